/**
 * The network kernels' speed per core against PyTorch's on one thread (npm run bench:kernels):
 * samples per CPU second and test accuracy after the same epochs, on the same CSV files, over
 * several shapes, batch sizes and seeds, each side a fresh process, interleaved. "Kernels" is our
 * training loop in a process of its own on one thread (benchmarks/kernels-run.ts), CPU time, against
 * PyTorch's loop, CPU time (benchmarks/torch_per_core.py). "Fit" is a `cluster train --cores 1` as a
 * user meets it, wall time: the worker's start, shipping the rows, every step's messages. On a busy
 * machine only the CPU-time columns compare. Unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE in the
 * command that runs it.
 */
import {mkdtempSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

const CLI = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const TORCH = fileURLToPath(new URL('../../benchmarks/torch_per_core.py', import.meta.url));
const KERNELS = fileURLToPath(new URL('./kernels-run.js', import.meta.url));
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
    x, y = datasets.make_classification(n_samples=6000, n_features=784, n_informative=40, n_redundant=0, n_classes=10, class_sep=2.0, random_state=0)
else:
    x, y = datasets.make_classification(n_samples=20000, n_features=20, n_informative=10, n_classes=2, random_state=0)
a, b, ya, yb = train_test_split(x, y, test_size=0.25, random_state=0)
header = ','.join([f'f{i}' for i in range(x.shape[1])] + ['label'])
for part, xs, ys in (('train', a, ya), ('test', b, yb)):
    np.savetxt(f'{folder}/{name}-{part}.csv', np.column_stack([xs, ys]), delimiter=',', header=header, comments='', fmt='%.6g')
`;

const SHAPES = [
  {data: 'wide', layers: '256,128', epochs: 2, what: '784-256-128-10 (make_classification, 4,500 rows)'},
  {data: 'wide', layers: '128,64', epochs: 2, what: '784-128-64-10 (make_classification, 4,500 rows)'},
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

const csv = (data: string, part: string) => join(folder, `${data}-${part}.csv`);

/**
 * One side's loop in a fresh process (`command` with `first` then the common arguments), as both
 * sides' scripts take them: samples per CPU second and test accuracy.
 */
async function loop(
  command: string,
  first: string[],
  data: string,
  layers: string,
  epochs: number,
  batch: number,
  seed: number,
): Promise<Side> {
  const common = [
    csv(data, 'train'),
    csv(data, 'test'),
    layers,
    String(epochs),
    String(batch),
    String(LEARNING_RATE),
    String(seed),
  ];
  const {stdout} = await execa(command, [...first, ...common]);
  const result = JSON.parse(stdout) as {samplesPerCpuSecond: number; testAccuracy: number};
  return {samplesPerSecond: result.samplesPerCpuSecond, testAccuracy: result.testAccuracy};
}

/** Our training loop on one thread (benchmarks/kernels-run.ts). */
const kernels = (data: string, layers: string, epochs: number, batch: number, seed: number) =>
  loop(process.execPath, [KERNELS], data, layers, epochs, batch, seed);

/** PyTorch's loop on one thread (benchmarks/torch_per_core.py). */
const torch = (data: string, layers: string, epochs: number, batch: number, seed: number) =>
  loop('/usr/bin/python3', [TORCH], data, layers, epochs, batch, seed);

/** A `cluster train --cores 1`: samples per second of its whole fit (wall). */
async function fit(data: string, layers: string, epochs: number, batch: number, seed: number): Promise<Side> {
  const {stdout} = await execa(
    process.execPath,
    [
      CLI,
      'train',
      '--data',
      csv(data, 'train'),
      '--test',
      csv(data, 'test'),
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
  const result = JSON.parse(stdout) as {fitSeconds: number; rows: number; testAccuracy: number};
  return {samplesPerSecond: (result.rows * epochs) / result.fitSeconds, testAccuracy: result.testAccuracy};
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const k = (value: number) => `${(value / 1000).toFixed(1)}k`;

console.log(
  `Network kernels per core on ${cpus()[0].model.trim()} (${cpus().length} CPUs), Node.js ${process.version}; medians of ${SEEDS.length} seeds\n`,
);
for (const data of new Set(SHAPES.map((shape) => shape.data)))
  await execa('/usr/bin/python3', ['-c', MAKE_DATA, folder, data]);
console.log(
  '| shape | batch | PyTorch, samples/CPU-s | ours: kernels, samples/CPU-s | kernels / PyTorch | ours: fit, samples/s (wall, seed 0) | accuracy: PyTorch, ours |',
);
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const shape of SHAPES)
  for (const batch of BATCHES) {
    const runs: {reference: Side; ours: Side; fit?: Side}[] = [];
    // Interleaved, so a change in the machine's load falls on both sides alike.
    for (const seed of SEEDS) {
      const reference = await torch(shape.data, shape.layers, shape.epochs, batch, seed);
      const ours = await kernels(shape.data, shape.layers, shape.epochs, batch, seed);
      // The whole fit once a shape: it is the slow part of the benchmark, and wall time.
      runs.push({
        reference,
        ours,
        fit: seed === SEEDS[0] ? await fit(shape.data, shape.layers, shape.epochs, batch, seed) : undefined,
      });
    }
    const speed = (sides: Side[]) => median(sides.map((side) => side.samplesPerSecond));
    const [torchSpeed, ourSpeed] = [speed(runs.map((run) => run.reference)), speed(runs.map((run) => run.ours))];
    const accuracy = (sides: Side[]) => median(sides.map((side) => side.testAccuracy)).toFixed(4);
    const fitSpeed = runs[0].fit!.samplesPerSecond;
    console.log(
      `| ${shape.what} | ${batch} | ${k(torchSpeed)} | ${k(ourSpeed)} | ${(ourSpeed / torchSpeed).toFixed(2)} | ${k(fitSpeed)} | ${accuracy(runs.map((run) => run.reference))}, ${accuracy(runs.map((run) => run.ours))} |`,
    );
  }
