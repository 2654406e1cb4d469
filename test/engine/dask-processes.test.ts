import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {runBench} from '../../src/sweep/sweep.js';
import {loadExperiment} from '../../src/config/experiment.js';
import {loadInventory} from '../../src/config/inventory.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {daskProcesses, processesTagged, waitFor} from '../helpers/processes.js';

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const experiment = (trees: number) => `name: faults
dataset: { kind: synthetic, samples: 6000, features: 12, informative: 6, classes: 2, seed: 4 }
forest: { trees: ${trees}, seed: 3 }
combinations: [[local-a, local-b]]
runs: 1
warmup: 0
engine: dask
`;

test.serial('a dask worker killed mid-fit is a fault; Dask recomputes its trees and the run completes', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiment.yaml': experiment(240)});
  const tag = `dask-fault-${randomUUID()}`;
  process.env.CLUSTER_TEST_TAG = tag;
  const killed: number[] = [];
  try {
    const result = await runBench({
      experiment: loadExperiment(join(folder, 'experiment.yaml')),
      inventory: loadInventory(join(folder, 'inventory.yaml')),
      resultsDir: join(folder, 'results'),
      onProgress: (p) => {
        // At the first batch back, both workers hold the data; then local-b's worker process dies.
        // Not later: joblib's batches grow as trees come back fast, and on a loaded machine the
        // first report past a higher mark could be the last one.
        if (p.done < 1 || killed.length > 0) return;
        const pid = workerProcessOf(tag, 'local-b');
        if (pid) {
          killed.push(pid);
          process.kill(pid, 'SIGKILL');
        }
      },
    });
    t.is(killed.length, 1);
    const [row] = result.rows;
    t.is(row.status, 'ok', row.error);
    const [run] = row.runs;
    t.true(
      run.faults.some((fault) => fault.host === 'local-b' && fault.reason === 'worker-lost'),
      JSON.stringify(run.faults),
    );
    t.deepEqual(
      run.timeline.map((entry) => entry.index),
      Array.from({length: 240}, (_, i) => i),
      'every tree is in the forest',
    );
    t.true(run.accuracy > 0.8, `accuracy ${run.accuracy}`);
  } finally {
    delete process.env.CLUSTER_TEST_TAG;
  }
  t.deepEqual(daskProcesses(tag), []);
});

test.serial('Ctrl-C during a dask sweep stops the scheduler, the workers and the driver', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': experiment(2000)});
  const tag = `dask-int-${randomUUID()}`;
  const bench = execa(process.execPath, [RUN, 'bench'], {cwd: folder, reject: false, env: {CLUSTER_TEST_TAG: tag}});
  // Once both workers and the driver are up, the fit is under way or about to be.
  await waitFor(() => {
    const running = daskProcesses(tag);
    const python = running.filter((line) => !/^\d+: sh /.test(line));
    return python.filter((line) => line.includes('dask_worker')).length === 2 &&
      python.some((line) => line.includes('dask_driver'))
      ? running
      : undefined;
  }, 120_000);
  bench.kill('SIGINT');
  const result = await bench;
  t.is(result.exitCode, 130, String(result.stderr));
  t.regex(
    String(result.stderr),
    /^Error: interrupted by SIGINT; finished results were kept; continue with: cluster bench --resume \S+-faults-dask$/m,
  );
  t.deepEqual(daskProcesses(tag), [], 'no dask process is left behind');
  t.deepEqual(processesTagged(tag), []);
});

/** The worker process that local-b's nanny started: the nanny's child. */
function workerProcessOf(tag: string, name: string): number | undefined {
  const nanny = processesTagged(tag).find(
    ({pid}) =>
      /^\S*python3? -m distributed\.cli\.dask_worker /.test(commandOf(pid)) &&
      commandOf(pid).includes(`--name ${name} `),
  );
  if (!nanny) return undefined;
  return processesTagged(tag).find(({pid}) => parentOf(pid) === nanny.pid && commandOf(pid).includes('spawn_main'))
    ?.pid;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | undefined {
  try {
    return Number(
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ')[1],
    );
  } catch {
    return undefined;
  }
}
