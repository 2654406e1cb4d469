/**
 * Peak memory of training on 1,000,000 x 20 with one local worker of 2 slots: the coordinator's
 * and the worker's high-water marks (Linux /proc), the issue's budget being 1 GiB. With
 * `-- --network`: a 784-256-128-10 network on 60,000 x 784 (one epoch, batches of 256, 2 cores).
 * Run with `npm run bench:memory`.
 */
import {readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import {trainForest} from '../src/coordinator/train-forest.js';
import {WorkerSet} from '../src/coordinator/worker-set.js';
import {hashDataset} from '../src/data/dataset.js';
import {makeClassification} from '../src/data/synthetic.js';
import {dynamicSchedule} from '../src/schedule/dynamic.js';
import {trainNetworkAcross} from '../src/coordinator/train-network.js';
import type {WorkerClient} from '../src/coordinator/worker-client.js';
import {DEFAULT_NETWORK} from '../src/network/spec.js';
import {standardisationOf, standardise} from '../src/network/standardise.js';

const NETWORK = process.argv.includes('--network');
const numbers = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const ROWS = Number(numbers[0] ?? (NETWORK ? 60_000 : 1_000_000));
const TREES = Number(numbers[1] ?? 4);
const FEATURES = NETWORK ? 784 : 20;

function highWaterMiB(pid: number | 'self'): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const data = makeClassification({
  samples: ROWS,
  features: FEATURES,
  informative: 10,
  classes: NETWORK ? 10 : 2,
  seed: 0,
});
const workers = await WorkerSet.open([{name: 'local', transport: 'local', cores: 2, port: 22, labels: []}]);
try {
  const [worker] = workers.get(['local']);
  const started = performance.now();
  const trained = NETWORK ? await network(worker) : await forest(worker);
  const seconds = (performance.now() - started) / 1000;
  const coordinator = highWaterMiB('self');
  const workerPeak = highWaterMiB(worker.info!.pid);
  console.log(
    `${ROWS} x ${FEATURES}, ${NETWORK ? 'a 784-256-128-10 network, 1 epoch, batches of 256' : `${TREES} native trees`}, 1 worker with 2 slots: ${seconds.toFixed(1)} s (shipping and binning included), ${trained}`,
  );
  console.log(
    `peak RSS: coordinator ${coordinator.toFixed(0)} MiB, worker ${workerPeak.toFixed(0)} MiB, together ${(coordinator + workerPeak).toFixed(0)} MiB (budget 1024 MiB)`,
  );
} finally {
  await workers.close();
}

async function forest(worker: WorkerClient): Promise<string> {
  const trained = await trainForest({
    workers: [worker],
    dataset: data,
    datasetHash: hashDataset(data),
    options: {trainer: 'native', maxFeatures: 'sqrt'},
    trees: TREES,
    forestSeed: 0,
    schedule: dynamicSchedule({hosts: [worker.host], trees: TREES}),
  });
  return `${(trained.trees.reduce((s, t) => s + t.byteLength, 0) / 2 ** 20).toFixed(1)} MiB of trees`;
}

async function network(worker: WorkerClient): Promise<string> {
  const rows = standardise(data, standardisationOf(data));
  const spec = {...DEFAULT_NETWORK, layers: [256, 128], epochs: 1, batchSize: 256};
  const trained = await trainNetworkAcross({
    workers: [worker],
    dataset: rows,
    datasetHash: hashDataset(rows),
    spec,
    split: 'proportional',
  });
  return `${((trained.parameters.length * 8) / 2 ** 20).toFixed(1)} MiB of weights`;
}
