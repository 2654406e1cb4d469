import {existsSync, mkdirSync, rmdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {calibrate} from '../../src/engine/native/calibrate.js';
import {calibrationKey, writeCache} from '../../src/engine/native/calibration-cache.js';
import type {Host} from '../../src/config/inventory.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import type {TreeOptions} from '../../src/forest/trainer.js';
import {cpuCgroup} from '../../src/lab/system.js';
import {folderWith} from '../helpers/files.js';

// A real cgroup CPU quota, made as the lab makes one: root and Linux; under CI it must run.
const unavailable =
  process.platform !== 'linux'
    ? 'cgroups need Linux'
    : process.getuid?.() !== 0
      ? 'making a cgroup needs root'
      : undefined;
if (unavailable && process.env.CI === 'true')
  throw new Error(`the calibration quota test must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the calibration quota test: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest.serial) as TestFn;

const host: Host = {name: 'rebuilt', transport: 'local', cores: 1, labels: []};
const dataset = makeClassification({samples: 1000, features: 5, informative: 3, classes: 2, seed: 1});
const datasetHash = hashDataset(dataset);
const options: TreeOptions = {trainer: 'native', maxFeatures: 'sqrt'};
const PLANTED = 1.25;

// The case: a lab host rebuilt at cpu: 0.1 reused the 61.9 trees/s it had at cpu: 1.0.
test("a worker put under a CPU quota reports it, and its host's figure from before is not reused", async (t) => {
  const cgroup = cpuCgroup(`cluster-test-quota-${process.pid}`);
  const cacheFile = join(folderWith(), 'calibration.json');
  const workers = await WorkerSet.open([host]);
  const [worker] = workers.get([host.name]);
  let moved = false;
  try {
    const before = await worker.identity();
    writeCache(cacheFile, {[calibrationKey(host, before, datasetHash, options)]: PLANTED});
    t.is(
      (await calibrate({workers, hosts: [host], dataset, datasetHash, options, cacheFile})).throughput.get(host.name),
      PLANTED,
      'unchanged: the cache is used',
    );

    mkdirSync(cgroup.dir);
    for (const [file, value] of cgroup.limit(0.5)) writeFileSync(join(cgroup.dir, file), value);
    writeFileSync(join(cgroup.dir, 'cgroup.procs'), String(worker.info!.pid));
    moved = true;
    const after = await worker.identity();
    t.is(after.cpuQuota, before.cpuQuota === null ? 0.5 : Math.min(0.5, before.cpuQuota));
    t.is(after.bootId, before.bootId);
    const {throughput} = await calibrate({workers, hosts: [host], dataset, datasetHash, options, cacheFile});
    t.not(throughput.get(host.name), PLANTED, 'under the quota, the host is measured again');
  } finally {
    // Back to the parent cgroup, so the folder can be removed.
    if (moved) writeFileSync(join(dirname(cgroup.dir), 'cgroup.procs'), String(worker.info!.pid));
    await workers.close();
    if (existsSync(cgroup.dir)) rmdirSync(cgroup.dir);
  }
});
