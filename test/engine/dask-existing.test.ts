import {randomUUID} from 'node:crypto';
import test from 'ava';
import {execa, type ResultPromise} from 'execa';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {daskProcesses, waitFor} from '../helpers/processes.js';

const PYTHON = '/usr/bin/python3';

/** A Dask cluster the test owns, as a user's would be: a scheduler and two named workers. */
async function existingCluster(tag: string): Promise<{address: string; processes: ResultPromise[]}> {
  const env = {CLUSTER_TEST_TAG: tag};
  const scheduler = execa(
    PYTHON,
    ['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', '0', '--no-dashboard'],
    {env, reject: false, buffer: false},
  );
  let log = '';
  scheduler.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const address = await waitFor(() => /Scheduler at:\s+(tcp:\/\/\S+)/.exec(log)?.[1], 120_000);
  const workers = ['w1', 'w2'].map((name) =>
    execa(PYTHON, ['-m', 'distributed.cli.dask_worker', address, '--name', name, '--nthreads', '1', '--no-dashboard'], {
      env,
      reject: false,
      buffer: false,
    }),
  );
  return {address, processes: [scheduler, ...workers]};
}

test.serial(
  '--scheduler uses an existing Dask cluster: rows named by its workers, which it leaves running',
  async (t) => {
    const tag = `dask-existing-${randomUUID()}`;
    const {address, processes} = await existingCluster(tag);
    try {
      const folder = folderWith({
        'inventory.yaml': TWO_LOCAL_HOSTS,
        'experiments/local.yaml': smallExperiment({
          dataset: '{ kind: synthetic, samples: 1000, features: 8, informative: 4, seed: 1 }',
          forest: '{ trees: 12, seed: 2 }',
        }),
      });
      // The workers join in their own time; the driver sees who is there when it starts.
      await waitFor(
        () => daskProcesses(tag).filter((line) => line.includes('spawn_main')).length === 2 || undefined,
        120_000,
      );
      const result = await cluster(['bench', '--scheduler', address, '--json'], folder);
      t.is(result.exitCode, 0, result.stderr);
      const json = JSON.parse(result.stdout);
      t.is(json.engine, 'dask');
      t.deepEqual(
        json.rows.map((row: {hardware: string}) => row.hardware),
        ['w1', 'w1, w2'],
      );
      t.deepEqual(
        json.rows[1].runs[0].hosts.map((host: {host: string}) => host.host),
        ['w1', 'w2'],
      );
      t.is(
        json.rows[0].runs[0].timeline.filter((entry: {host: string}) => entry.host !== 'w1').length,
        0,
        'a row of one worker runs on that worker only',
      );
      t.true(
        processes.every((child) => child.exitCode === null),
        'the cluster is not ours to stop',
      );
    } finally {
      for (const child of processes) child.kill('SIGKILL');
      await Promise.all(processes);
    }
  },
);

test.serial('a row wider than the existing cluster is refused before anything runs', async (t) => {
  const tag = `dask-narrow-${randomUUID()}`;
  const {address, processes} = await existingCluster(tag);
  try {
    const folder = folderWith({
      'inventory.yaml': `${TWO_LOCAL_HOSTS}  local-c: { transport: local }\n`,
      'experiments/local.yaml': smallExperiment({combinations: '[[local-a], [local-a, local-b, local-c]]'}),
    });
    const result = await cluster(['bench', '--scheduler', address], folder);
    t.regex(
      result.stderr,
      /^Error: experiments\/local\.yaml:4: combinations: a row asks for 3 workers but the Dask cluster at tcp:\/\/127\.0\.0\.1:\d+ has [0-2] \([^)]*\) \(with scheduler:, a combination of n hosts runs on the cluster's first n workers: add workers, or shorten the combinations\)\n$/,
    );
    t.is(result.exitCode, 2);
  } finally {
    for (const child of processes) child.kill('SIGKILL');
    await Promise.all(processes);
  }
});
