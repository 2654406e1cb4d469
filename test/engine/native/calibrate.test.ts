import {once} from 'node:events';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {calibrate, forgetCalibrations} from '../../../src/engine/native/calibrate.js';
import {calibrationKey, readCache, writeCache} from '../../../src/engine/native/calibration-cache.js';
import type {Host} from '../../../src/config/inventory.js';
import {WorkerSet} from '../../../src/coordinator/worker-set.js';
import {hashDataset} from '../../../src/data/dataset.js';
import {makeClassification} from '../../../src/data/synthetic.js';
import type {TreeOptions} from '../../../src/forest/trainer.js';
import type {MachineIdentity} from '../../../src/protocol/messages.js';
import {folderWith} from '../../helpers/files.js';

const host: Host = {name: 'local-a', transport: 'local', cores: 1, labels: []};
const dataset = makeClassification({samples: 1000, features: 5, informative: 3, classes: 2, seed: 1});
const datasetHash = hashDataset(dataset);
const options: TreeOptions = {trainer: 'native', maxFeatures: 'sqrt'};
/** A figure no real measurement gives: seeing it back means the cache was used. */
const PLANTED = 1.25;

/** A real local worker, and the machine identity it reports. */
async function withWorker(
  use: (workers: WorkerSet, machine: MachineIdentity, cacheFile: string) => Promise<void>,
): Promise<void> {
  const workers = await WorkerSet.open([host]);
  try {
    await use(workers, await workers.get([host.name])[0].identity(), join(folderWith(), 'calibration.json'));
  } finally {
    await workers.close();
  }
}

test('a figure cached for this host on this machine, under these limits, is used', async (t) => {
  await withWorker(async (workers, machine, cacheFile) => {
    writeCache(cacheFile, {[calibrationKey(host, machine, datasetHash, options)]: PLANTED});
    const {throughput} = await calibrate({workers, hosts: [host], dataset, datasetHash, options, cacheFile});
    t.is(throughput.get(host.name), PLANTED);
  });
});

// A lab host rebuilt at cpu: 0.1 reused the 61.9 trees/s it had at cpu: 1.0.
for (const [what, changes] of [
  ['another cgroup quota', {cpuQuota: 0.1}],
  ['another boot id', {bootId: 'an-earlier-boot'}],
] as const) {
  test(`the same host name cached under ${what} is measured again`, async (t) => {
    await withWorker(async (workers, machine, cacheFile) => {
      writeCache(cacheFile, {[calibrationKey(host, {...machine, ...changes}, datasetHash, options)]: PLANTED});
      const {throughput, loaded} = await calibrate({workers, hosts: [host], dataset, datasetHash, options, cacheFile});
      t.true(throughput.get(host.name)! > 100, `measured: ${throughput.get(host.name)} trees/s`);
      // Kept only when nothing else loaded the machine meanwhile (this machine may be shared).
      if (!loaded.has(host.name))
        t.is(readCache(cacheFile)[calibrationKey(host, machine, datasetHash, options)], throughput.get(host.name)!);
    });
  });
}

test('a figure the runs contradicted is dropped from the cache', async (t) => {
  await withWorker(async (workers, machine, cacheFile) => {
    const other = calibrationKey({...host, name: 'local-b'}, machine, datasetHash, options);
    writeCache(cacheFile, {[calibrationKey(host, machine, datasetHash, options)]: PLANTED, [other]: 7});
    await forgetCalibrations({workers, hosts: [host], datasetHash, options, cacheFile});
    t.deepEqual(readCache(cacheFile), {[other]: 7});
  });
});

/** A process that keeps one CPU busy (another bench, say); it says so once its loop is about to start. */
async function startBusyLoop() {
  const child = execa(process.execPath, ['-e', 'process.stdout.write("busy\\n"); for (;;) {}'], {reject: false});
  await once(child.stdout!, 'data');
  return {stop: () => child.kill()};
}

// Two benches at once cached figures taken under each other's load.
test.serial(
  'a figure measured while other processes load the machine is used but not cached, with a warning',
  async (t) => {
    const loops = [await startBusyLoop(), await startBusyLoop()];
    try {
      await withWorker(async (workers, machine, cacheFile) => {
        const {throughput, loaded} = await calibrate({
          workers,
          hosts: [host],
          dataset,
          datasetHash,
          options,
          cacheFile,
          fresh: true,
        });
        t.true(throughput.get(host.name)! > 0);
        // Two loops on two CPUs: about two thirds of the machine, whatever else runs.
        t.true(loaded.get(host.name)! > 0.3, `other processes' share: ${loaded.get(host.name)}`);
        t.deepEqual(readCache(cacheFile), {});
        t.truthy(machine.bootId);
      });
    } finally {
      for (const loop of loops) loop.stop();
    }
  },
);
