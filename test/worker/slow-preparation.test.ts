import {constants, existsSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import type {Host} from '../../src/config/inventory.js';
import {trainForest} from '../../src/coordinator/train-forest.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {dynamicSchedule} from '../../src/schedule/dynamic.js';
import {folderWith} from '../helpers/files.js';
import {waitFor} from '../helpers/processes.js';

/** Lets the held slot go; opened read-write and non-blocking, so it never waits for a reader that is not there. */
async function release(fifo: string): Promise<void> {
  const handle = await open(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  await handle.write('go');
  await handle.close();
}

test('a worker whose binning outlasts the heartbeat timeout keeps its heartbeats and is not taken for lost', async (t) => {
  // The slot holds binning until released (see holdForTest in slot-thread.ts): a slow host, made deterministic.
  const folder = folderWith();
  await execa('mkfifo', [join(folder, 'release')]);
  process.env.CLUSTER_TEST_HOLD_SHARED = folder;
  const host: Host = {name: 'slow', transport: 'local', cores: 2, labels: []};
  const workers = await WorkerSet.open([host], 1500);
  try {
    const [worker] = workers.get(['slow']);
    const data = makeClassification({samples: 400, features: 6, informative: 3, classes: 2, seed: 3});
    const run = trainForest({
      workers: [worker],
      dataset: data,
      datasetHash: hashDataset(data),
      options: {trainer: 'native', maxFeatures: 'sqrt'},
      trees: 6,
      forestSeed: 1,
      schedule: dynamicSchedule({hosts: [host], trees: 6}),
    });
    await waitFor(() => existsSync(join(folder, 'held')), 60_000);
    // Three heartbeats while binning is held span over two seconds, past the 1.5 s timeout.
    const before = worker.heartbeats;
    await waitFor(() => worker.heartbeats >= before + 3 || worker.isLost, 60_000);
    t.false(worker.isLost, 'the host was taken for lost while it was binning');
    await release(join(folder, 'release'));
    const result = await run;
    t.is(result.trees.filter(Boolean).length, 6);
    t.deepEqual(result.faults, []);
  } finally {
    await release(join(folder, 'release'));
    await workers.close();
  }
});
