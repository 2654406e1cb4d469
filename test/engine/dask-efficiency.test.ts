import test from 'ava';
import {summariseRow} from '../../src/results/row.js';
import type {Host} from '../../src/config/inventory.js';
import type {FitReply} from '../../src/engine/dask/driver.js';
import {describeFit} from '../../src/engine/dask/records.js';
import {COLUMNS} from '../../src/report/columns.js';

const hosts: Host[] = [
  {name: 'a', transport: 'local', cores: 1, labels: []},
  {name: 'b', transport: 'local', cores: 2, labels: []},
];

/** A fit of 4 s: trees as [worker, thread, start, end], as the driver stamps them. */
const fit = (trees: FitReply['trees']): FitReply => ({seconds: 4, accuracy: 0.9, trees, tasks: [], faults: []});

const cell = (row: ReturnType<typeof summariseRow>, csv: string) => COLUMNS.find((c) => c.csv === csv)!.format(row);

test("a dask row's efficiency is the native one: trees over the sum of the hosts' speeds in the run, over the measured time", (t) => {
  // a: 4 trees in 2 s on its one thread, 2 trees/s; b: 4 trees in 4 thread-seconds on 2 threads, 2 trees/s.
  const reply = fit([
    ...[0, 1, 2, 3].map((i): FitReply['trees'][number] => ['a', 11, i * 0.5, (i + 1) * 0.5]),
    ...[0, 1, 2, 3].map((i): FitReply['trees'][number] => [
      'b',
      21 + (i % 2),
      Math.floor(i / 2),
      Math.floor(i / 2) + 1,
    ]),
  ]);
  const row = summariseRow('dask', hosts, [], [describeFit(reply, hosts)], undefined, 8, new Map());
  // 8 trees at 4 trees/s: 2 s of 4, the same as the training's share of the slots: (2 + 4) / (3 threads x 4 s).
  t.is(row.capacity_ideal_s, 2);
  t.is(row.efficiency, 0.5);
  t.is(cell(row, 'efficiency'), '0.500');
  t.is(row.calibrated_efficiency, null);
  t.is(cell(row, 'calibrated_efficiency'), '-', 'no solo calibration for dask');
});

test('a dask host that trained no tree has no speed of its own, and no calibration stands in: "-"', (t) => {
  const row = summariseRow('dask', hosts, [], [describeFit(fit([['a', 11, 0, 1]]), hosts)], undefined, 1, new Map());
  t.is(row.status, 'ok');
  t.is(row.efficiency, null);
  t.deepEqual([cell(row, 'capacity_ideal_s'), cell(row, 'efficiency')], ['-', '-']);
  const native = summariseRow(
    'native',
    hosts,
    [],
    [describeFit(fit([['a', 11, 0, 1]]), hosts)],
    undefined,
    1,
    new Map(),
  );
  t.is(cell(native, 'efficiency'), '', 'native rows keep their blank');
});
