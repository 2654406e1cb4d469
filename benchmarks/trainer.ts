/**
 * The trainer benchmark: the native trainer (one core) against scikit-learn's RandomForestClassifier
 * (n_jobs=1) on the same CSV files, over data shapes made by benchmarks/make_data.py, several seeds each,
 * the two run alternately so both see the same load. Reports the fit time ratio and the test accuracy
 * difference with their spread. Run with `npm run bench:trainer [-- --shapes a,b --seeds 3]`; the
 * forest's settings with --max-features, --max-depth, --min-samples-leaf, --criterion (both sides alike).
 * Data files go to benchmarks/data/ (git-ignored); figures depend on the machine, so compare within one run.
 * `--fresh` measures the native side as a user meets it: `cluster train --cores 1 --json` in a fresh
 * process (its fitSeconds, and the whole command's wall time beside scikit-learn's whole script).
 * Shapes beyond the default suite: `fashion` (Fashion-MNIST, Debian's dataset-fashion-mnist).
 */
import {existsSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {execa} from 'execa';
import {loadCsvDataset} from '../src/data/csv.js';
import type {Dataset} from '../src/data/dataset.js';
import {formatMaxFeatures, isMaxFeatures, parseMaxFeatures} from '../src/forest/max-features.js';
import {trainHere} from '../src/forest/train-here.js';
import type {TreeOptions} from '../src/forest/trainer.js';

const PYTHON = '/usr/bin/python3';
const BENCH = fileURLToPath(new URL('../../benchmarks/', import.meta.url));
const SHAPES = [
  'lognormal-steps',
  'integer-code',
  'breast-cancer',
  'digits',
  'ten-class',
  'binary',
  'large',
  'heavy-tails',
  'many-classes',
  'images',
];

const {values: args} = parseArgs({
  options: {
    shapes: {type: 'string'},
    seeds: {type: 'string', default: '3'},
    trees: {type: 'string', default: '100'},
    data: {type: 'string', default: join(BENCH, 'data')},
    'max-features': {type: 'string', default: 'sqrt'},
    'max-depth': {type: 'string', default: 'none'},
    'min-samples-leaf': {type: 'string', default: '1'},
    criterion: {type: 'string', default: 'gini'},
    fresh: {type: 'boolean', default: false},
  },
});
const CLI = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const shapes = args.shapes?.split(',') ?? SHAPES;
const seeds = Number(args.seeds);
const trees = Number(args.trees);
const maxFeatures = parseMaxFeatures(args['max-features']);
if (!isMaxFeatures(maxFeatures)) throw new Error(maxFeatures.problem);
const criterion = args.criterion === 'entropy' ? 'entropy' : 'gini';
const options: TreeOptions = {
  trainer: 'native',
  maxFeatures,
  minSamplesLeaf: Number(args['min-samples-leaf']),
  criterion,
  ...(args['max-depth'] === 'none' ? {} : {maxDepth: Number(args['max-depth'])}),
};
const settings = `maxFeatures ${formatMaxFeatures(maxFeatures)}, maxDepth ${args['max-depth']}, minSamplesLeaf ${options.minSamplesLeaf}, criterion ${criterion}`;

interface Measure {
  fitSeconds: number;
  /** The process's CPU time over the fit: steadier than the wall clock on a shared machine. */
  fitCpuSeconds: number;
  testAccuracy: number;
}

/** Fit time includes binning, the native trainer's once-per-data-set work; one tree after another on this thread. */
function fitNative(train: Dataset, test: Dataset, seed: number): Measure {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const forest = trainHere(train, options, trees, seed);
  const fitSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(startedCpu);
  return {
    fitSeconds,
    fitCpuSeconds: (cpu.user + cpu.system) / 1e6,
    testAccuracy: forest.accuracy(test.values, test.features, test.labels),
  };
}

/** `cluster train` in a fresh process, as a user runs it: fitSeconds from its JSON; the command's wall time as wall. */
async function fitFresh(
  trainFile: string,
  testFile: string,
  seed: number,
): Promise<Measure & {commandSeconds: number}> {
  const flags = [
    ...['--max-features', args['max-features'], '--min-samples-leaf', String(options.minSamplesLeaf)],
    ...['--criterion', criterion, ...(args['max-depth'] === 'none' ? [] : ['--max-depth', args['max-depth']])],
  ];
  const started = performance.now();
  const result = await execa(process.execPath, [
    CLI,
    'train',
    ...['--data', trainFile, '--test', testFile, '--target', 'label', '--cores', '1', '--trees', String(trees)],
    ...['--seed', String(seed), '--json', '--out', join(args.data, 'fresh-model.bin'), ...flags],
  ]);
  const commandSeconds = (performance.now() - started) / 1000;
  const outcome = JSON.parse(String(result.stdout)) as {fitSeconds: number; testAccuracy: number};
  // The worker's CPU time is not in the JSON: the wall time of the fit stands for it.
  return {
    fitSeconds: outcome.fitSeconds,
    fitCpuSeconds: outcome.fitSeconds,
    testAccuracy: outcome.testAccuracy,
    commandSeconds,
  };
}

async function fitSklearn(
  trainFile: string,
  testFile: string,
  seed: number,
): Promise<Measure & {commandSeconds: number}> {
  const started = performance.now();
  const result = await execa(PYTHON, [
    join(BENCH, 'sklearn_reference.py'),
    trainFile,
    testFile,
    'label',
    String(trees),
    args['max-features'],
    String(seed),
    args['max-depth'],
    String(options.minSamplesLeaf),
    criterion,
  ]);
  return {...(JSON.parse(String(result.stdout)) as Measure), commandSeconds: (performance.now() - started) / 1000};
}

async function files(shape: string, seed: number): Promise<[string, string]> {
  const train = join(args.data, `${shape}-${seed}-train.csv`);
  const test = join(args.data, `${shape}-${seed}-test.csv`);
  if (!existsSync(train) || !existsSync(test))
    await execa(PYTHON, [join(BENCH, 'make_data.py'), args.data, String(seed), shape]);
  return [train, test];
}

const spread = (xs: number[], digits: number, scale = 1) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const f = (x: number) => (x * scale).toFixed(digits);
  return `${f(mean)} (${f(Math.min(...xs))} to ${f(Math.max(...xs))})`;
};

console.log(
  `Trainer benchmark on ${cpus()[0]?.model} (${cpus().length} CPUs), Node.js ${process.version}, ${trees} trees, ${settings}, one core each; load average at start ${loadavg()[0].toFixed(2)}`,
);
const FRESH_HEADER =
  '| data shape | train rows x features, classes | `cluster train` fit (fresh process) | scikit-learn fit | native / sklearn fit time | whole command / whole script | native - sklearn accuracy (points) |';
const WARM_HEADER =
  '| data shape | train rows x features, classes | native fit (CPU) | scikit-learn fit (CPU) | native / sklearn CPU time | native / sklearn wall time | native - sklearn accuracy (points) |';
console.log(`\n${args.fresh ? FRESH_HEADER : WARM_HEADER}`);
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const shape of shapes) {
  const ratios: number[] = [];
  const wallRatios: number[] = [];
  const differences: number[] = [];
  const nativeSeconds: number[] = [];
  const sklearnSeconds: number[] = [];
  let size = '';
  for (let seed = 0; seed < seeds; seed++) {
    const [trainFile, testFile] = await files(shape, seed);
    const train = loadCsvDataset(trainFile, 'label');
    const test = loadCsvDataset(testFile, 'label');
    size = `${train.rows.toLocaleString('en')} x ${train.features}, ${train.classes.length}`;
    // Alternate which runs first, so a change in the machine's load falls on both alike.
    const fitOurs = async () =>
      args.fresh ? fitFresh(trainFile, testFile, seed) : {...fitNative(train, test, seed), commandSeconds: 0};
    let native: Measure & {commandSeconds: number};
    let sklearn: Measure & {commandSeconds: number};
    if (seed % 2 === 0) {
      native = await fitOurs();
      sklearn = await fitSklearn(trainFile, testFile, seed);
    } else {
      sklearn = await fitSklearn(trainFile, testFile, seed);
      native = await fitOurs();
    }
    // Fresh: the fit's wall time against scikit-learn's, and the commands' whole times; warm: CPU, then wall.
    ratios.push(args.fresh ? native.fitSeconds / sklearn.fitSeconds : native.fitCpuSeconds / sklearn.fitCpuSeconds);
    wallRatios.push(
      args.fresh ? native.commandSeconds / sklearn.commandSeconds : native.fitSeconds / sklearn.fitSeconds,
    );
    differences.push(native.testAccuracy - sklearn.testAccuracy);
    nativeSeconds.push(args.fresh ? native.fitSeconds : native.fitCpuSeconds);
    sklearnSeconds.push(args.fresh ? sklearn.fitSeconds : sklearn.fitCpuSeconds);
  }
  console.log(
    `| ${shape} | ${size} | ${spread(nativeSeconds, 2)} s | ${spread(sklearnSeconds, 2)} s | ${spread(ratios, 2)}x | ${spread(wallRatios, 2)}x | ${spread(differences, 1, 100)} |`,
  );
}
console.log(
  `\nLoad average at the end ${loadavg()[0].toFixed(2)}; mean (min to max) over ${seeds} seeds, each seed its own data split and forest seed.`,
);
