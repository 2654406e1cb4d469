import test from 'ava';
import type {Host} from '../../src/config/inventory.js';
import {trainNetworkAcross} from '../../src/coordinator/train-network.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {DEFAULT_NETWORK, type NetworkSpec} from '../../src/network/spec.js';
import {standardisationOf, standardise} from '../../src/network/standardise.js';
import {trainNetwork} from '../../src/network/train-here.js';
import {crashAlone} from '../helpers/crash.js';

const local = (name: string, cores = 1): Host => ({name, transport: 'local', cores, labels: []});
const raw = makeClassification({samples: 900, features: 12, informative: 6, classes: 3, seed: 4});
const train = standardise(raw, standardisationOf(raw));
const SPEC: NetworkSpec = {...DEFAULT_NETWORK, layers: [32, 16], epochs: 3, batchSize: 150};
const reference = trainNetwork(SPEC, train).weightsHash;
/** 3 epochs of 6 batches of 150 rows, 5 chunks each. */
const TOTAL_CHUNKS = 3 * 6 * 5;
const chunksDone = (trained: {hosts: {items: number}[]}) => trained.hosts.reduce((sum, host) => sum + host.items, 0);

test('a network trained across 1, 2 and 3 local hosts, split by speed or equally, reduced centrally or in a ring, has the weights of one trained here', async (t) => {
  const workers = await WorkerSet.open([local('a'), local('b', 2), local('c')]);
  try {
    for (const [names, split, reduce] of [
      [['a'], 'proportional', 'central'],
      [['a', 'b'], 'proportional', 'central'],
      [['c', 'a', 'b'], 'equal', 'central'],
      [['b', 'c', 'a'], 'proportional', 'central'],
      [['a'], 'proportional', 'ring'],
      [['a', 'b'], 'equal', 'ring'],
      [['c', 'a', 'b'], 'proportional', 'ring'],
    ] as const) {
      const trained = await trainNetworkAcross({
        workers: workers.get(names),
        dataset: train,
        datasetHash: hashDataset(train),
        spec: {...SPEC, reduce},
        split,
      });
      t.is(trained.weightsHash, reference, `${names.join(', ')} ${split} ${reduce}`);
      t.deepEqual(trained.faults, []);
      const chunks = trained.hosts.reduce((sum, host) => sum + host.items, 0);
      t.is(chunks, 3 * Math.ceil(900 / 150 / 1) * Math.ceil(150 / 32));
    }
  } finally {
    await workers.close();
  }
});

for (const reduce of ['central', 'ring'] as const)
  test(`a worker killed mid-epoch (${reduce}): its chunks go to the others in the same step, the weights are those of a run without it`, async (t) => {
    const workers = await WorkerSet.open([local('a'), local('b'), local('c')]);
    try {
      const names = reduce === 'ring' ? ['a', 'b', 'c'] : ['a', 'b'];
      const victim = workers.get(['b'])[0];
      const trained = await trainNetworkAcross({
        workers: workers.get(names),
        dataset: train,
        datasetHash: hashDataset(train),
        spec: {...SPEC, reduce},
        split: 'proportional',
        onStep: (done) =>
          done === 4 * 5 && crashAlone(workers.get(names), victim, () => process.kill(victim.info!.pid, 'SIGKILL')),
      });
      t.is(trained.weightsHash, reference);
      t.is(trained.faults.length, 1);
      t.like(trained.faults[0], {host: 'b', reason: 'exited'});
      t.is(
        chunksDone(trained),
        TOTAL_CHUNKS,
        'every chunk of every step counted once, on the host whose part was used',
      );
    } finally {
      await workers.close();
    }
  });

test('a host that freezes mid-step leaves its ring neighbours waiting: it is found silent, the ring is formed again without it, same weights', async (t) => {
  const workers = await WorkerSet.open([local('a'), local('b'), local('c')], 1500);
  const victim = workers.get(['b'])[0];
  try {
    const trained = await trainNetworkAcross({
      workers: workers.get(['a', 'b', 'c']),
      dataset: train,
      datasetHash: hashDataset(train),
      spec: {...SPEC, reduce: 'ring'},
      split: 'equal',
      // Frozen between two steps: the next one's ring waits on it until its silence is seen.
      onStep: (done) => done === 4 * 5 && process.kill(victim.info!.pid, 'SIGSTOP'),
    });
    t.is(trained.weightsHash, reference);
    t.is(trained.faults.length, 1);
    t.like(trained.faults[0], {host: 'b', reason: 'silent'});
    t.true(trained.faults[0].requeued > 0);
    t.is(chunksDone(trained), TOTAL_CHUNKS);
  } finally {
    process.kill(victim.info!.pid, 'SIGCONT');
    await workers.close();
  }
});
