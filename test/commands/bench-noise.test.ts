import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {once} from 'node:events';
import test from 'ava';
import {execa} from 'execa';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

// Serial: each test keeps both cores busy, and two at once would only slow each other down.
// Runs of a few seconds whatever the trainer's speed, so the busy loops' share stands well above /proc/stat's ticks.
const BUSY_EXPERIMENT = smallExperiment({
  dataset: '{ kind: synthetic, samples: 20000, features: 20, seed: 2 }',
  forest: '{ trees: 200 }',
  combinations: '[[local-a, local-b]]',
});

/** A process that keeps one CPU busy; it says so once its loop is about to start. */
async function startBusyLoop() {
  const child = execa(process.execPath, ['-e', 'process.stdout.write("busy\\n"); for (;;) {}'], {reject: false});
  await once(child.stdout!, 'data');
  // Wrapped: a subprocess is a promise, and returning it from here would wait for its end.
  return {stop: () => child.kill()};
}

test.serial(
  'two busy processes on both cores: an interference warning under the table and in rows[].warnings; --fail-on-noise exits 4',
  async (t) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': BUSY_EXPERIMENT});
    const loops = [await startBusyLoop(), await startBusyLoop()];
    try {
      const result = await cluster(['bench', '--fail-on-noise', '--export-json', 'out.json'], folder);
      t.is(result.exitCode, 4, result.stderr);
      t.regex(
        result.stdout,
        /^Warning \(local-a, local-b, interference\): other processes took up to \d+% of the CPU of the machine of local-a, local-b and the coordinator \(\d+ CPUs\) during run 1 \(over 10%; this toolkit's own processes are not counted\)/m,
      );
      t.regex(
        result.stderr,
        /^Error: \d+ warning\(s\) above, and --fail-on-noise makes them an error \(exit 4\); the results were saved$/m,
      );
      const json = JSON.parse(readFileSync(join(folder, 'out.json'), 'utf8'));
      const [row] = json.rows;
      t.true(
        row.warnings.some((w: {kind: string}) => w.kind === 'interference'),
        JSON.stringify(row.warnings),
      );
      const [load] = row.runs[0].interference;
      t.deepEqual([load.hosts, load.coordinator], [['local-a', 'local-b'], true]);
      t.true(load.otherSeconds / load.cpuSeconds > 0.1, JSON.stringify(load));
    } finally {
      for (const loop of loops) loop.stop();
    }
  },
);

test.serial(
  '--fail-on-noise --json: stdout is still the whole sweep as JSON, with its warnings, and the exit code is 4',
  async (t) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': BUSY_EXPERIMENT});
    const loops = [await startBusyLoop(), await startBusyLoop()];
    try {
      const result = await cluster(['bench', '--fail-on-noise', '--json'], folder);
      t.is(result.exitCode, 4, result.stderr);
      const json = JSON.parse(result.stdout);
      t.is(json.error, undefined);
      t.true(
        json.rows[0].warnings.some((w: {kind: string}) => w.kind === 'interference'),
        JSON.stringify(json.rows[0].warnings),
      );
    } finally {
      for (const loop of loops) loop.stop();
    }
  },
);

// --fail-on-noise was ignored with several engines: exit 0 whatever the warnings.
test.serial(
  "--engine native,dask --fail-on-noise: exit 4 with the single engine's message, and each engine's exports written",
  async (t) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': BUSY_EXPERIMENT});
    const loops = [await startBusyLoop(), await startBusyLoop()];
    try {
      const result = await cluster(
        [
          'bench',
          '--engine',
          'native,dask',
          '--fail-on-noise',
          '--export-csv',
          'out/t.csv',
          '--export-json',
          'out/t.json',
        ],
        folder,
      );
      t.is(result.exitCode, 4, result.stderr);
      t.regex(
        result.stderr,
        /^Error: \d+ warning\(s\) above, and --fail-on-noise makes them an error \(exit 4\); the results were saved$/m,
      );
      t.regex(result.stdout, /Engines side by side/);
      const native = JSON.parse(readFileSync(join(folder, 'out/t-native.json'), 'utf8'));
      t.true(
        native.rows[0].warnings.some((w: {kind: string}) => w.kind === 'interference'),
        JSON.stringify(native.rows[0].warnings),
      );
      for (const engine of ['native', 'dask'])
        t.regex(
          readFileSync(join(folder, `out/t-${engine}.csv`), 'utf8'),
          new RegExp(`^hardware,cores,.*\\n.*,${engine}\\n$`),
        );
    } finally {
      for (const loop of loops) loop.stop();
    }
  },
);
