import test from 'ava';
import type {Host} from '../../src/config/inventory.js';
import {trainForest} from '../../src/coordinator/train-forest.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {splitTrainTest} from '../../src/data/split.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {HostError} from '../../src/errors.js';
import {Forest} from '../../src/forest/forest.js';
import {staticCoresSchedule} from '../../src/schedule/static-cores.js';

const local = (name: string, cores: number): Host => ({name, transport: 'local', cores, port: 22, labels: []});
const {train, test: held} = splitTrainTest(makeClassification({samples: 600, features: 10, informative: 5, classes: 3, seed: 11}), 0.25, 11);
const request = {dataset: train, datasetHash: hashDataset(train), options: {trainer: 'ml-random-forest', maxFeatures: 'sqrt'} as const, trees: 9, forestSeed: 5, schedule: staticCoresSchedule};

test('a forest trained across two local hosts is the forest trained on one', async (t) => {
  const workers = await WorkerSet.open([local('a', 1), local('b', 2)]);
  try {
    const alone = await trainForest({...request, workers: workers.get(['a'])});
    const spread = await trainForest({...request, workers: workers.get(['a', 'b'])});
    t.deepEqual(spread.hosts.map((h) => [h.host, h.trees]), [['a', 3], ['b', 6]]);
    t.deepEqual(spread.trees.map((tree) => Buffer.from(tree).toString('base64')), alone.trees.map((tree) => Buffer.from(tree).toString('base64')));
    const predict = (trees: Uint8Array[]) => Forest.fromTrees('ml-random-forest', train.classes, trees).predict(held.values, held.features);
    t.deepEqual(predict(spread.trees), predict(alone.trees));
    t.true(Forest.fromTrees('ml-random-forest', train.classes, spread.trees).accuracy(held.values, held.features, held.labels) > 0.5);
  } finally {
    await workers.close();
  }
});

test('native trees are the same on any host, any thread count, any partition', async (t) => {
  const workers = await WorkerSet.open([local('a', 1), local('b', 2), local('c', 2)]);
  try {
    const native = {...request, options: {trainer: 'native', maxFeatures: 'sqrt'} as const, trees: 12};
    const encode = (trees: Uint8Array[]) => trees.map((tree) => Buffer.from(tree).toString('base64'));
    const one = encode((await trainForest({...native, workers: workers.get(['a'])})).trees);
    t.deepEqual(encode((await trainForest({...native, workers: workers.get(['c'])})).trees), one);
    t.deepEqual(encode((await trainForest({...native, workers: workers.get(['b', 'a', 'c'])})).trees), one);
  } finally {
    await workers.close();
  }
});

test('the data set is shipped once per host, then served from the worker\'s cache', async (t) => {
  const workers = await WorkerSet.open([local('a', 1)]);
  try {
    const first = await trainForest({...request, trees: 1, workers: workers.get(['a'])});
    const second = await trainForest({...request, trees: 1, workers: workers.get(['a'])});
    t.is(first.hosts[0].shippedBytes, train.values.byteLength + train.labels.byteLength);
    t.is(second.hosts[0].shippedBytes, 0);
  } finally {
    await workers.close();
  }
});

test('a worker that dies mid-run fails the run with the host named', async (t) => {
  const workers = await WorkerSet.open([local('a', 1)]);
  try {
    const [worker] = workers.get(['a']);
    const run = trainForest({...request, trees: 50, workers: [worker], onTree: (done) => done === 2 && process.kill(worker.info!.pid, 'SIGKILL')});
    const error = await t.throwsAsync(run, {instanceOf: HostError});
    t.is(error!.message, 'host a: worker exited (killed by SIGKILL)');
  } finally {
    await workers.close();
  }
});
