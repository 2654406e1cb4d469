import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import type {CpuSample} from '../../src/protocol/messages.js';
import type {EngineSample} from '../../src/engine/dask/driver.js';
import {daskInterference} from '../../src/engine/dask/interference.js';
import {interferenceWarnings, unmeasuredWarnings} from '../../src/results/warnings.js';
import type {RunRecord} from '../../src/results/result.js';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

// Counters from 0 before a run to 20 CPU-seconds after it (2 CPUs over 10 s).
const sample = (machine: string, busy: number, self: number): CpuSample => ({
  machine,
  cpus: 2,
  busy,
  total: busy === 0 ? 0 : 20,
  self,
});
const record = (interference: RunRecord['interference']) => ({interference}) as RunRecord;

test("a dask run's machine: the scheduler, nannies and driver count as the toolkit's own, as the row's workers do", (t) => {
  // 10 busy seconds on the machine: 1 the coordinator, 4 the two workers, 5 the scheduler, a nanny and the driver.
  const before: EngineSample[] = [
    ['driver', 'engine', sample('m', 0, 0)],
    ['scheduler', 'engine', sample('m', 0, 0)],
    ['local-a', 'worker', sample('m', 0, 0)],
    ['local-b', 'worker', sample('m', 0, 0)],
    ['local-a', 'engine', sample('m', 0, 0)],
  ];
  const after: EngineSample[] = [
    ['driver', 'engine', sample('m', 10, 2)],
    ['scheduler', 'engine', sample('m', 10, 2)],
    ['local-a', 'worker', sample('m', 10, 2)],
    ['local-b', 'worker', sample('m', 10, 2)],
    ['local-a', 'engine', sample('m', 10, 1)],
  ];
  const coordinator = {before: sample('m', 0, 0), after: sample('m', 10, 1)};
  const [load, ...more] = daskInterference(coordinator, {before, after}, ['local-a', 'local-b']);
  t.deepEqual(more, []);
  t.deepEqual(load, {hosts: ['local-a', 'local-b'], coordinator: true, cpus: 2, cpuSeconds: 20, otherSeconds: 0});
  t.deepEqual(interferenceWarnings([record([load])]), []);
});

test('a dask worker that did not answer: its machine unmeasured, and the row says so', (t) => {
  const coordinator = {before: sample('m', 0, 0), after: sample('m', 1, 1)};
  const engine = {
    before: [['pi-1', 'worker', null] as EngineSample, ['pi-2', 'worker', sample('p', 0, 0)] as EngineSample],
    after: [['pi-2', 'worker', sample('p', 9, 1)] as EngineSample],
  };
  const loads = daskInterference(coordinator, engine, ['pi-1', 'pi-2']);
  t.deepEqual(loads.at(-1), {hosts: ['pi-1'], coordinator: false, cpus: 0, cpuSeconds: null, otherSeconds: null});
  const [warning] = unmeasuredWarnings([{runs: [record(loads)]} as never]);
  t.is(
    warning.message,
    "interference cannot be measured on the machine of pi-1 (no /proc/stat there, as on macOS, or a process there did not answer): other processes' load goes unnoticed",
  );
  // pi-2's machine gave 8 of its 20 CPU-seconds to other processes.
  t.regex(
    interferenceWarnings([record(loads)])[0].message,
    /^other processes took up to 40% of the CPU of the machine of pi-2 \(2 CPUs\)/,
  );
});

/** A process that keeps one CPU busy; it says so once its loop is about to start. */
async function startBusyLoop() {
  const child = execa(process.execPath, ['-e', 'process.stdout.write("busy\\n"); for (;;) {}'], {reject: false});
  await once(child.stdout!, 'data');
  return {stop: () => child.kill()};
}

test.serial(
  'bench --engine dask beside two busy processes: its rows carry interference and warn of it, as native rows do',
  async (t) => {
    const experiment = smallExperiment({
      dataset: '{ kind: synthetic, samples: 20000, features: 20, seed: 2 }',
      forest: '{ trees: 100 }',
      combinations: '[[local-a, local-b]]',
    });
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': experiment});
    const loops = [await startBusyLoop(), await startBusyLoop()];
    try {
      const result = await cluster(['bench', '--engine', 'dask', '--export-json', 'out.json'], folder);
      t.is(result.exitCode, 0, result.stderr);
      t.regex(
        result.stdout,
        /^Warning \(local-a, local-b, interference\): other processes took up to \d+% of the CPU of the machine of local-a, local-b and the coordinator \(\d+ CPUs\) during run 1/m,
      );
      const [row] = JSON.parse(readFileSync(join(folder, 'out.json'), 'utf8')).rows;
      const [load] = row.runs[0].interference;
      t.deepEqual([load.hosts, load.coordinator], [['local-a', 'local-b'], true]);
      t.true(load.otherSeconds / load.cpuSeconds > 0.1, JSON.stringify(load));
    } finally {
      for (const loop of loops) loop.stop();
    }
  },
);
