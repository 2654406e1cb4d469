import test from 'ava';
import type {Host} from '../../src/config/inventory.js';
import {RunFailedError, trainForest} from '../../src/coordinator/train-forest.js';
import type {WorkerClient} from '../../src/coordinator/worker-client.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {splitTrainTest} from '../../src/data/split.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {Forest} from '../../src/forest/forest.js';
import type {TreeOptions} from '../../src/forest/trainer.js';
import type {ScheduleName} from '../../src/schedule/schedule.js';
import {scheduleNamed} from '../../src/schedule/schedules.js';
import {crashAlone} from '../helpers/crash.js';

const local = (name: string, cores: number): Host => ({name, transport: 'local', cores, labels: []});
const {train, test: held} = splitTrainTest(
  makeClassification({samples: 600, features: 10, informative: 5, classes: 3, seed: 11}),
  0.25,
  11,
);
const encode = (trees: Uint8Array[]) => trees.map((tree) => Buffer.from(tree).toString('base64'));

function forestOn(
  workers: WorkerClient[],
  options: {
    trees?: number;
    trainer?: TreeOptions['trainer'];
    schedule?: ScheduleName;
    onTree?: (done: number) => void;
  } = {},
) {
  const trees = options.trees ?? 9;
  return trainForest({
    workers,
    dataset: train,
    datasetHash: hashDataset(train),
    options: {trainer: options.trainer ?? 'ml-random-forest', maxFeatures: 'sqrt'},
    trees,
    forestSeed: 5,
    schedule: scheduleNamed(options.schedule ?? 'static-cores')({hosts: workers.map((w) => w.host), trees}),
    onTree: options.onTree,
  });
}

test('a forest trained across two local hosts is the forest trained on one', async (t) => {
  const workers = await WorkerSet.open([local('a', 1), local('b', 2)]);
  try {
    const alone = await forestOn(workers.get(['a']));
    const spread = await forestOn(workers.get(['a', 'b']));
    t.deepEqual(
      spread.hosts.map((h) => [h.host, h.items]),
      [
        ['a', 3],
        ['b', 6],
      ],
    );
    t.deepEqual(encode(spread.trees), encode(alone.trees));
    const predict = (trees: Uint8Array[]) =>
      Forest.fromTrees('ml-random-forest', train.classes, trees).predict(held.values, held.features);
    t.deepEqual(predict(spread.trees), predict(alone.trees));
    t.true(
      Forest.fromTrees('ml-random-forest', train.classes, spread.trees).accuracy(
        held.values,
        held.features,
        held.labels,
      ) > 0.5,
    );
    t.deepEqual(spread.faults, []);
  } finally {
    await workers.close();
  }
});

test('native trees are the same on any host, any thread count, any partition, any schedule', async (t) => {
  const workers = await WorkerSet.open([local('a', 1), local('b', 2), local('c', 2)]);
  try {
    const native = {trainer: 'native', trees: 12} as const;
    const one = encode((await forestOn(workers.get(['a']), native)).trees);
    t.deepEqual(encode((await forestOn(workers.get(['c']), native)).trees), one);
    t.deepEqual(encode((await forestOn(workers.get(['b', 'a', 'c']), native)).trees), one);
    t.deepEqual(encode((await forestOn(workers.get(['b', 'a', 'c']), {...native, schedule: 'dynamic'})).trees), one);
  } finally {
    await workers.close();
  }
});

test("the data set is shipped once per host, then served from the worker's cache", async (t) => {
  const workers = await WorkerSet.open([local('a', 1)]);
  try {
    const first = await forestOn(workers.get(['a']), {trees: 1});
    const second = await forestOn(workers.get(['a']), {trees: 1});
    t.is(first.hosts[0].shippedBytes, train.values.byteLength + train.labels.byteLength);
    t.is(second.hosts[0].shippedBytes, 0);
  } finally {
    await workers.close();
  }
});

for (const schedule of ['dynamic', 'static-cores'] as const) {
  test(`${schedule}: a worker killed mid-run loses only its unfinished trees; the forest is the undisturbed one`, async (t) => {
    const workers = await WorkerSet.open([local('a', 1), local('b', 1)]);
    try {
      const undisturbed = encode((await forestOn(workers.get(['a', 'b']), {trees: 30, schedule})).trees);
      const [, victim] = workers.get(['a', 'b']);
      const disturbed = await forestOn(workers.get(['a', 'b']), {
        trees: 30,
        schedule,
        onTree: (done) =>
          done === 5 && crashAlone(workers.get(['a', 'b']), victim, () => process.kill(victim.info!.pid, 'SIGKILL')),
      });
      t.deepEqual(encode(disturbed.trees), undisturbed);
      t.is(disturbed.faults.length, 1);
      t.like(disturbed.faults[0], {host: 'b', reason: 'exited', message: 'worker exited (killed by SIGKILL)'});
      t.true(disturbed.faults[0].requeued > 0);
      t.is(
        disturbed.hosts.reduce((sum, h) => sum + h.items, 0),
        30,
      );

      // The next run starts the lost worker again.
      const revived = await workers.revive(['a', 'b']);
      t.deepEqual(revived.faults, []);
      t.deepEqual(encode((await forestOn(revived.workers, {trees: 30, schedule})).trees), undisturbed);
    } finally {
      await workers.close();
    }
  });
}

test('a host that goes silent past the heartbeat timeout is lost, and the run still completes', async (t) => {
  // A static plan: the stopped host's trees wait for it (no speculative copy can finish the run
  // first), so the run ends only through the silence being noticed. The timeout is generous: a
  // loaded machine must not make the live host look silent.
  const workers = await WorkerSet.open([local('a', 1), local('b', 1)], 4000);
  const stopped: number[] = [];
  try {
    const [, victim] = workers.get(['a', 'b']);
    const run = await forestOn(workers.get(['a', 'b']), {
      trees: 30,
      schedule: 'static-cores',
      onTree: (done) => done === 3 && (stopped.push(victim.info!.pid), process.kill(victim.info!.pid, 'SIGSTOP')),
    });
    t.is(run.trees.filter(Boolean).length, 30);
    t.is(run.faults.length, 1);
    t.like(run.faults[0], {host: 'b', reason: 'silent'});
    t.regex(run.faults[0].message, /^silent for \d+\.\d s \(no heartbeat within 4 s\)$/);
    t.true(run.faults[0].requeued > 0);
  } finally {
    // The lost worker was stopped by the coordinator after a grace period, or is about to be.
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    await workers.close();
  }
});

test('when every host is lost the run fails, naming each', async (t) => {
  const workers = await WorkerSet.open([local('a', 1)]);
  try {
    const [only] = workers.get(['a']);
    const error = await t.throwsAsync(
      forestOn([only], {trees: 40, onTree: (done) => done === 2 && process.kill(only.info!.pid, 'SIGKILL')}),
      {instanceOf: RunFailedError},
    );
    t.like(error, {
      host: 'a',
      kind: 'host',
      exitCode: 3,
      message: 'every host was lost: a: worker exited (killed by SIGKILL)',
    });
  } finally {
    await workers.close();
  }
});

test("workers killed by SIGINT got a terminal's Ctrl-C before we did: an interruption, not a lost host", async (t) => {
  const workers = await WorkerSet.open([local('a', 1)]);
  try {
    const [only] = workers.get(['a']);
    const error = await t.throwsAsync(
      forestOn([only], {trees: 40, onTree: (done) => done === 2 && process.kill(only.info!.pid, 'SIGINT')}),
      {instanceOf: RunFailedError},
    );
    t.like(error, {reason: 'interrupted', message: 'every host was lost: a: worker exited (killed by SIGINT)'});
    t.like(error!.faults[0], {host: 'a', reason: 'interrupted'});
  } finally {
    await workers.close();
  }
});

test("dynamic: an idle host re-runs a straggler's trees; the first copy wins", async (t) => {
  // Silence must not be what ends the straggler here: the heartbeat timeout is far beyond the run.
  const workers = await WorkerSet.open([local('fast', 2), local('slow', 1)], 600_000);
  const [, slow] = workers.get(['fast', 'slow']);
  try {
    // Freeze the slow host after the first tree and keep it frozen: the run can only complete by
    // the fast host copying the trees the slow one holds.
    const run = await forestOn(workers.get(['fast', 'slow']), {
      trees: 16,
      trainer: 'native',
      schedule: 'dynamic',
      onTree: (done) => done === 1 && process.kill(slow.info!.pid, 'SIGSTOP'),
    });
    t.is(run.trees.filter(Boolean).length, 16);
    t.deepEqual(run.faults, []);
    const [fast, frozen] = ['fast', 'slow'].map((name) => run.hosts.find((h) => h.host === name)!);
    t.is(fast.items + frozen.items, 16);
    t.true(fast.items > frozen.items, `fast trained ${fast.items}, slow ${frozen.items}`);
  } finally {
    process.kill(slow.info!.pid, 'SIGCONT');
    await workers.close();
  }
});
