import test from 'ava';
import {calibrationGaps, calibrationGapWarning, calibrationLoadWarning} from '../../src/results/calibration-check.js';
import type {BenchRow, RunRecord} from '../../src/results/result.js';
import type {HostRun} from '../../src/coordinator/run.js';

const host = (name: string, cores: number, trees: number, trainSeconds: number): HostRun => ({
  host: name,
  cores,
  items: trees,
  reexecuted: 0,
  trainSeconds,
  utilisation: 0,
  shipSeconds: 0,
  shippedBytes: 0,
  waitSeconds: 0,
});
const run = (...hosts: HostRun[]): RunRecord => ({seconds: 1, accuracy: 1, hosts, faults: [], timeline: []});
const row = (...runs: RunRecord[]) => ({runs}) as unknown as BenchRow;

// The 20,000 x 20 case: 22.4 trees/s calibrated, 35.6 in the run.
test('a host faster in the runs than calibrated by more than 30% is a gap; one within 30% is not', (t) => {
  const rows = [row(run(host('a', 1, 36, 1), host('b', 2, 40, 2)), run(host('a', 1, 35, 1), host('b', 2, 40, 2)))];
  t.deepEqual(
    calibrationGaps(
      rows,
      new Map([
        ['a', 22.4],
        ['b', 36],
      ]),
    ),
    [{host: 'a', calibrated: 22.4, measured: 35.5, runs: 2}],
  );
  t.deepEqual(
    calibrationGaps(
      rows,
      new Map([
        ['a', 30],
        ['b', 50],
      ]),
    ),
    [],
  );
});

test('slower in the runs counts too, and the runs of every row where the host trained are its evidence (the median)', (t) => {
  const rows = [row(run(host('a', 1, 20, 1))), row(run(host('a', 1, 10, 1)), run(host('a', 1, 12, 1)))];
  t.deepEqual(calibrationGaps(rows, new Map([['a', 20]])), [{host: 'a', calibrated: 20, measured: 12, runs: 3}]);
});

test('too little training to judge by (under 10 trees or 0.2 s a slot), or no calibration (dask): no gap', (t) => {
  t.deepEqual(calibrationGaps([row(run(host('a', 1, 9, 1)))], new Map([['a', 1]])), []);
  t.deepEqual(calibrationGaps([row(run(host('a', 1, 100, 0.1)))], new Map([['a', 1]])), []);
  t.deepEqual(calibrationGaps([row(run(host('a', 1, 100, 1)), run(host('b', 1, 0, 0)))], new Map()), []);
});

test('the warning says by how much, what it affected and that the figure will be measured again', (t) => {
  t.deepEqual(calibrationGapWarning({host: 'rpi1', calibrated: 22.4, measured: 35.6, runs: 3}), {
    kind: 'calibration',
    message:
      'rpi1 trained 35.6 trees/s in the runs (median of 3), 59% above its solo calibration of 22.4 trees/s (more than 30% apart): the calibrated efficiency, and a static-calibrated schedule, counted it at the wrong speed; its cached calibration was dropped, so the next bench measures it again (if other processes ran, stop them first)',
  });
  t.regex(
    calibrationGapWarning({host: 'a', calibrated: 10, measured: 5, runs: 1}).message,
    /, 50% below its solo calibration of 10\.0 trees\/s/,
  );
});

test("a figure measured under another bench's load: the warning says it was not cached and what to do", (t) => {
  t.deepEqual(calibrationLoadWarning('local-a', 61.94, 0.456), {
    kind: 'calibration',
    message:
      "local-a was calibrated at 61.9 trees/s while other processes took 46% of its machine's CPU, more than 10% (another bench, perhaps): the figure serves this sweep only and was not cached; stop what else runs there and run the bench again",
  });
});
