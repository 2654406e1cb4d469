import {existsSync, readdirSync} from 'node:fs';
import test from 'ava';
import type {Host} from '../../src/config/inventory.js';
import {trainNetworkAcross} from '../../src/coordinator/train-network.js';
import {WorkerClient} from '../../src/coordinator/worker-client.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {DEFAULT_NETWORK, type NetworkSpec} from '../../src/network/spec.js';
import {standardisationOf, standardise} from '../../src/network/standardise.js';
import {trainNetwork} from '../../src/network/train-here.js';
import {localTransport} from '../../src/transport/local.js';
import type {WorkerExit} from '../../src/transport/transport.js';
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

test('hosts of 1, 2 and 3 cores, alone and together, train the weights of one trained here; each counts its cores', async (t) => {
  const workers = await WorkerSet.open([local('a'), local('b', 2), local('c', 3)]);
  try {
    for (const [names, split] of [
      [['b'], 'equal'],
      [['c'], 'proportional'],
      [['a', 'c'], 'proportional'],
      [['c', 'b', 'a'], 'equal'],
    ] as const) {
      const trained = await trainNetworkAcross({
        workers: workers.get(names),
        dataset: train,
        datasetHash: hashDataset(train),
        spec: {...SPEC, reduce: names.length === 3 ? 'ring' : 'central'},
        split,
      });
      const what = `${names.join(', ')} ${split}`;
      t.is(trained.weightsHash, reference, what);
      t.deepEqual(trained.faults, []);
      t.deepEqual(
        trained.hosts.map((host) => host.cores),
        names.map((name) => ({a: 1, b: 2, c: 3})[name]),
        what,
      );
      t.true(
        trained.hosts.every((host) => host.utilisation > 0 && host.utilisation <= 1),
        JSON.stringify(trained.hosts),
      );
    }
  } finally {
    await workers.close();
  }
});

test('a host of 3 cores computes on 3 threads, kept from run to run; they end with the worker, which exits cleanly', async (t) => {
  let exited: Promise<WorkerExit> | undefined;
  const worker = await WorkerClient.open(local('c', 3), {
    async start(host) {
      const started = await localTransport.start(host);
      exited = started.exited;
      return started;
    },
  });
  const pid = worker.info!.pid;
  const threads = () => readdirSync(`/proc/${pid}/task`).length;
  try {
    const before = threads();
    for (let run = 0; run < 3; run++) {
      const trained = await trainNetworkAcross({
        workers: [worker],
        dataset: train,
        datasetHash: hashDataset(train),
        spec: SPEC,
        split: 'equal',
      });
      t.is(trained.weightsHash, reference);
      t.is(threads(), before + 3, `after run ${run + 1}`);
    }
  } finally {
    await worker.close();
  }
  t.deepEqual(await exited, {code: 0, signal: null});
  t.false(existsSync(`/proc/${pid}`));
});

for (const reduce of ['central', 'ring'] as const)
  test(`a host of 3 cores killed mid-epoch (${reduce}): a host of 2 computes its chunks, the weights are those of a run without it`, async (t) => {
    const workers = await WorkerSet.open([local('a', 2), local('b', 3)]);
    try {
      const [, victim] = workers.get(['a', 'b']);
      const trained = await trainNetworkAcross({
        workers: workers.get(['a', 'b']),
        dataset: train,
        datasetHash: hashDataset(train),
        spec: {...SPEC, reduce},
        split: 'proportional',
        onStep: (done) =>
          done === 4 * 5 &&
          crashAlone(workers.get(['a', 'b']), victim, () => process.kill(victim.info!.pid, 'SIGKILL')),
      });
      t.is(trained.weightsHash, reference);
      t.is(trained.faults.length, 1);
      t.like(trained.faults[0], {host: 'b', reason: 'exited'});
      t.is(
        trained.hosts.reduce((sum, host) => sum + host.items, 0),
        3 * 6 * 5,
      );
    } finally {
      await workers.close();
    }
  });
