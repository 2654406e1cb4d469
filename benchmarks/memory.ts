/**
 * Peak memory of training on 1,000,000 x 20 with one local worker of 2 slots: the coordinator's
 * and the worker's high-water marks (Linux /proc), the budget being 1 GiB.
 * Run with `npm run bench:memory`.
 */
import {readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import {trainForest} from '../src/coordinator/train-forest.js';
import {WorkerSet} from '../src/coordinator/worker-set.js';
import {hashDataset} from '../src/data/dataset.js';
import {makeClassification} from '../src/data/synthetic.js';
import {dynamicSchedule} from '../src/schedule/dynamic.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const TREES = Number(process.argv[3] ?? 4);

function highWaterMiB(pid: number | 'self'): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const data = makeClassification({samples: ROWS, features: 20, informative: 10, classes: 2, seed: 0});
const workers = await WorkerSet.open([{name: 'local', transport: 'local', cores: 2, port: 22, labels: []}]);
try {
  const [worker] = workers.get(['local']);
  const started = performance.now();
  const trained = await trainForest({
    workers: [worker],
    dataset: data,
    datasetHash: hashDataset(data),
    options: {trainer: 'native', maxFeatures: 'sqrt'},
    trees: TREES,
    forestSeed: 0,
    schedule: dynamicSchedule({hosts: [worker.host], trees: TREES}),
  });
  const seconds = (performance.now() - started) / 1000;
  const coordinator = highWaterMiB('self');
  const workerPeak = highWaterMiB(worker.info!.pid);
  console.log(
    `${ROWS} x 20, ${TREES} native trees, 1 worker with 2 slots: ${seconds.toFixed(1)} s (shipping and binning included), ${(trained.trees.reduce((s, t) => s + t.byteLength, 0) / 2 ** 20).toFixed(1)} MiB of trees`,
  );
  console.log(
    `peak RSS: coordinator ${coordinator.toFixed(0)} MiB, worker ${workerPeak.toFixed(0)} MiB, together ${(coordinator + workerPeak).toFixed(0)} MiB (budget 1024 MiB)`,
  );
} finally {
  await workers.close();
}
