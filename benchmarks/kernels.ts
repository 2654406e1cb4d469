/**
 * The network kernels' speed per core against PyTorch's on one thread (npm run bench:kernels):
 * samples per CPU second and test accuracy after the same epochs, on the same CSV files, over
 * several shapes, batch sizes and seeds. Ours is a fresh `cluster train --cores 1` process, as a
 * user meets it: "fit" counts the whole fit (shipping the rows to the worker, every step's
 * messages), "compute" the worker thread's time alone. PyTorch's figure is the CPU time of its
 * training loop alone (benchmarks/torch_per_core.py), which flatters it against "fit".
 * Unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE in the command that runs it.
 */
import {mkdtempSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

const CLI = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const TORCH = fileURLToPath(new URL('../../benchmarks/torch_per_core.py', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cluster-bench-kernels-'));

/** Writes DATA-train.csv and DATA-test.csv: scikit-learn's digits, or make_classification. */
const MAKE_DATA = `
import sys, numpy as np
from sklearn import datasets
from sklearn.model_selection import train_test_split
folder, name = sys.argv[1], sys.argv[2]
if name == 'digits':
    x, y = datasets.load_digits(return_X_y=True)
elif name == 'wide':
    x, y = datasets.make_classification(n_samples=12000, n_features=784, n_informative=60, n_redundant=0, n_classes=10, random_state=0)
else:
    x, y = datasets.make_classification(n_samples=20000, n_features=20, n_informative=10, n_classes=2, random_state=0)
a, b, ya, yb = train_test_split(x, y, test_size=0.25, random_state=0)
header = ','.join([f'f{i}' for i in range(x.shape[1])] + ['label'])
for part, xs, ys in (('train', a, ya), ('test', b, yb)):
    np.savetxt(f'{folder}/{name}-{part}.csv', np.column_stack([xs, ys]), delimiter=',', header=header, comments='', fmt='%.6g')
`;

const SHAPES = [
  {data: 'wide', layers: '256,128', epochs: 2, what: '784-256-128-10 (make_classification, 9,000 rows)'},
  {data: 'wide', layers: '128,64', epochs: 2, what: '784-128-64-10 (make_classification, 9,000 rows)'},
  {data: 'digits', layers: '128,64', epochs: 10, what: '64-128-64-10 (digits, 1,347 rows)'},
  {data: 'binary', layers: '64', epochs: 3, what: '20-64-2 (make_classification, 15,000 rows)'},
];
const BATCHES = [64, 256];
const SEEDS = [0, 1, 2];
const LEARNING_RATE = 0.01;

interface Side {
  samplesPerSecond: number;
  testAccuracy: number;
}

async function ours(data: string, layers: string, epochs: number, batch: number, seed: number) {
  const {stdout} = await execa(
    process.execPath,
    [
      CLI,
      'train',
      '--data',
      join(folder, `${data}-train.csv`),
      '--test',
      join(folder, `${data}-test.csv`),
      '--target',
      'label',
      '--workload',
      'network',
      '--layers',
      layers,
      '--epochs',
      String(epochs),
      '--batch-size',
      String(batch),
      '--optimizer',
      'sgd',
      '--momentum',
      '0.9',
      '--alpha',
      '0',
      '--learning-rate',
      String(LEARNING_RATE),
      '--seed',
      String(seed),
      '--cores',
      '1',
      '--json',
      '--out',
      join(folder, 'model.bin'),
    ],
    {cwd: folder},
  );
  const result = JSON.parse(stdout) as {
    fitSeconds: number;
    rows: number;
    testAccuracy: number;
    hosts: {trainSeconds: number}[];
  };
  const samples = result.rows * epochs;
  return {
    fit: {samplesPerSecond: samples / result.fitSeconds, testAccuracy: result.testAccuracy},
    compute: {samplesPerSecond: samples / result.hosts[0].trainSeconds, testAccuracy: result.testAccuracy},
  };
}

async function torch(data: string, layers: string, epochs: number, batch: number, seed: number): Promise<Side> {
  const args = [
    TORCH,
    join(folder, `${data}-train.csv`),
    join(folder, `${data}-test.csv`),
    layers,
    String(epochs),
    String(batch),
    String(LEARNING_RATE),
    String(seed),
  ];
  const {stdout} = await execa('/usr/bin/python3', args);
  return JSON.parse(stdout) as Side;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const k = (value: number) => `${(value / 1000).toFixed(1)}k`;

console.log(
  `Network kernels per core on ${cpus()[0].model.trim()} (${cpus().length} CPUs), Node.js ${process.version}; medians of ${SEEDS.length} seeds\n`,
);
for (const data of new Set(SHAPES.map((shape) => shape.data)))
  await execa('/usr/bin/python3', ['-c', MAKE_DATA, folder, data]);
console.log(
  '| shape | batch | PyTorch, samples/s | ours: compute | ours: fit | compute / PyTorch | fit / PyTorch | accuracy: PyTorch, ours |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const shape of SHAPES)
  for (const batch of BATCHES) {
    const runs = [];
    // Interleaved, so a change in the machine's load falls on both sides alike.
    for (const seed of SEEDS) {
      const reference = await torch(shape.data, shape.layers, shape.epochs, batch, seed);
      const native = await ours(shape.data, shape.layers, shape.epochs, batch, seed);
      runs.push({reference, ...native});
    }
    const torchSpeed = median(runs.map((run) => run.reference.samplesPerSecond));
    const compute = median(runs.map((run) => run.compute.samplesPerSecond));
    const fit = median(runs.map((run) => run.fit.samplesPerSecond));
    const accuracy = (side: Side[]) => median(side.map((run) => run.testAccuracy)).toFixed(4);
    console.log(
      `| ${shape.what} | ${batch} | ${k(torchSpeed)} | ${k(compute)} | ${k(fit)} | ${(compute / torchSpeed).toFixed(2)} | ${(fit / torchSpeed).toFixed(2)} | ${accuracy(runs.map((run) => run.reference))}, ${accuracy(runs.map((run) => run.fit))} |`,
    );
  }
