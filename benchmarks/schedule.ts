/**
 * The scheduling benchmark: two local hosts of unequal speed (one held to a CPU quota by a cgroup,
 * Linux and root only), the same forest under each schedule, against the capacity-aware ideal.
 * Also the coordinator's overhead on experiments/local.yaml's workload. Run with `npm run bench:schedule`.
 */
import {mkdirSync, rmdirSync, writeFileSync, existsSync, readFileSync} from 'node:fs';
import {cpus} from 'node:os';
import {calibrate} from '../src/engine/native/calibrate.js';
import {median} from '../src/results/stats.js';
import type {Host} from '../src/config/inventory.js';
import {trainForest} from '../src/coordinator/train-forest.js';
import {WorkerSet} from '../src/coordinator/worker-set.js';
import {hashDataset} from '../src/data/dataset.js';
import {splitTrainTest} from '../src/data/split.js';
import {makeClassification} from '../src/data/synthetic.js';
import type {TreeOptions} from '../src/forest/trainer.js';
import {SCHEDULE_NAMES} from '../src/schedule/schedule.js';
import {scheduleNamed} from '../src/schedule/schedules.js';

const QUOTA = Number(process.argv[2] ?? 0.4);
const TREES = 300;
const RUNS = 3;
const CGROUP_V1 = '/sys/fs/cgroup/cpu';
const GROUP = `${CGROUP_V1}/cluster-bench-slow`;

/** Holds a process to `share` of one core: cgroup v1's cfs quota (v2's cpu.max where that is what the machine has). */
function limitCpu(pid: number, share: number): () => void {
  if (existsSync(`${CGROUP_V1}/cpu.cfs_quota_us`)) {
    mkdirSync(GROUP, {recursive: true});
    writeFileSync(`${GROUP}/cpu.cfs_period_us`, '100000');
    writeFileSync(`${GROUP}/cpu.cfs_quota_us`, String(Math.round(100000 * share)));
    writeFileSync(`${GROUP}/cgroup.procs`, String(pid));
    return () => {
      writeFileSync(`${CGROUP_V1}/cgroup.procs`, String(pid));
      rmdirSync(GROUP);
    };
  }
  const v2 = '/sys/fs/cgroup/cluster-bench-slow';
  if (
    existsSync('/sys/fs/cgroup/cgroup.controllers') &&
    readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').includes('cpu')
  ) {
    mkdirSync(v2, {recursive: true});
    writeFileSync(`${v2}/cpu.max`, `${Math.round(100000 * share)} 100000`);
    writeFileSync(`${v2}/cgroup.procs`, String(pid));
    return () => {
      writeFileSync('/sys/fs/cgroup/cgroup.procs', String(pid));
      rmdirSync(v2);
    };
  }
  throw new Error('no cgroup cpu controller: cannot make a slow host here');
}

const local = (name: string): Host => ({name, transport: 'local', cores: 1, labels: []});
const {train} = splitTrainTest(
  makeClassification({samples: 20_000, features: 20, informative: 10, classes: 2, seed: 0}),
  0.25,
  0,
);
const hash = hashDataset(train);
const options: TreeOptions = {trainer: 'native', maxFeatures: 'sqrt'};
const hosts = [local('fast'), local('slow')];

console.log(`Scheduling benchmark on ${cpus()[0]?.model} (${cpus().length} CPUs), Node.js ${process.version}`);
const workers = await WorkerSet.open(hosts);
const restore = limitCpu(workers.get(['slow'])[0].info!.pid, QUOTA);
try {
  const {throughput} = await calibrate({
    workers,
    hosts,
    dataset: train,
    datasetHash: hash,
    options,
    fresh: true,
    cacheFile: '/dev/null',
  });
  const capacity = TREES / [...throughput.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${TREES} trees on 15000 x 20; host slow held to ${QUOTA * 100}% of a core. Calibrated: ${[...throughput].map(([h, r]) => `${h} ${r.toFixed(1)} trees/s`).join(', ')}; capacity ideal ${capacity.toFixed(2)} s`,
  );
  const measured = new Map<string, number>();
  for (const name of SCHEDULE_NAMES) {
    const seconds: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await trainForest({
        workers: workers.get(['fast', 'slow']),
        dataset: train,
        datasetHash: hash,
        options,
        trees: TREES,
        forestSeed: i,
        schedule: scheduleNamed(name)({hosts, trees: TREES, throughput}),
      });
      seconds.push(run.seconds);
    }
    measured.set(name, median(seconds));
    console.log(
      `  ${name.padEnd(18)} median ${median(seconds).toFixed(2)} s of ${RUNS}  capacity ideal / measured ${(capacity / median(seconds)).toFixed(3)}`,
    );
  }
  console.log(
    `  dynamic / static-cores ${(measured.get('dynamic')! / measured.get('static-cores')!).toFixed(3)}, dynamic / static-calibrated ${(measured.get('dynamic')! / measured.get('static-calibrated')!).toFixed(3)}`,
  );
} finally {
  restore();
  await workers.close();
}

// Overhead on the default experiment's workload: two equal local hosts, 400 trees on 37,500 rows.
const big = splitTrainTest(
  makeClassification({samples: 50_000, features: 20, informative: 10, classes: 2, seed: 0}),
  0.25,
  0,
).train;
const equal = await WorkerSet.open([local('a'), local('b')]);
try {
  const bigHash = hashDataset(big);
  const rows: number[] = [];
  for (let i = 0; i < 3; i++) {
    const run = await trainForest({
      workers: equal.get(['a', 'b']),
      dataset: big,
      datasetHash: bigHash,
      options,
      trees: 400,
      forestSeed: 0,
      schedule: scheduleNamed('dynamic')({hosts: [local('a'), local('b')], trees: 400}),
    });
    // What the hosts spent training, against the wall: the rest is shipping, scheduling, messages and the tail.
    const busiest = Math.max(...run.hosts.map((h) => h.trainSeconds / h.cores));
    if (i > 0) rows.push(1 - busiest / run.seconds);
  }
  console.log(
    `experiments/local.yaml workload (400 trees, 37500 x 20, 2 local hosts, dynamic): coordinator overhead ${(median(rows) * 100).toFixed(1)}% of wall time (1 - busiest host's training time / wall)`,
  );
} finally {
  await equal.close();
}
