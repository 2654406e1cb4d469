/**
 * The trainer benchmark: the same CSV files through the native trainer (one core), ml-random-forest
 * (rows capped so it ends) and scikit-learn (when python3 has it), with the ratios between them.
 * Run with `npm run bench:trainer`; figures depend on the machine, so compare within one run.
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import {loadCsvDataset} from '../src/data/csv.js';
import {type Dataset, takeRows} from '../src/data/dataset.js';
import {treeSeed} from '../src/data/random.js';
import {splitTrainTest} from '../src/data/split.js';
import {makeClassification} from '../src/data/synthetic.js';
import {Forest} from '../src/forest/forest.js';
import {binData} from '../src/forest/native/binning.js';
import type {TreeOptions} from '../src/forest/trainer.js';
import {trainerNamed} from '../src/forest/trainers.js';
import type {TrainerName} from '../src/forest/trainer-names.js';

const TREES = 100;
const ML_ROWS = 2000;
const ML_TREES = 10;
const SKLEARN_SCRIPT = fileURLToPath(new URL('../../bench/sklearn_reference.py', import.meta.url));

interface Measure {
  fitSeconds: number;
  testAccuracy: number;
  trees: number;
}

function writeCsv(file: string, data: Dataset): void {
  const lines = [[...data.featureNames, 'label'].join(',')];
  for (let r = 0; r < data.rows; r++) lines.push(`${data.values.subarray(r * data.features, (r + 1) * data.features).join(',')},${data.classes[data.labels[r]]}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Fit time includes the trainer's once-per-data-set work (binning), on one core. */
function fitInProcess(trainer: TrainerName, train: Dataset, test: Dataset, trees: number): Measure {
  const implementation = trainerNamed(trainer);
  const options: TreeOptions = {trainer, maxFeatures: 'sqrt'};
  const started = performance.now();
  const data = {...train, classes: train.classes.length};
  const shared = trainer === 'native' ? binData(data, true) : undefined;
  const trainOne = implementation.prepare(data, shared);
  const bytes = Array.from({length: trees}, (_, i) => trainOne(options, treeSeed(0, i)));
  const fitSeconds = (performance.now() - started) / 1000;
  const accuracy = Forest.fromTrees(trainer, train.classes, bytes).accuracy(test.values, test.features, test.labels);
  return {fitSeconds, testAccuracy: accuracy, trees};
}

async function fitSklearn(trainFile: string, testFile: string, trees: number): Promise<Measure | undefined> {
  const result = await execa('/usr/bin/python3', [SKLEARN_SCRIPT, trainFile, testFile, 'label', String(trees)], {reject: false});
  if (result.exitCode !== 0) return undefined;
  return JSON.parse(String(result.stdout)) as Measure;
}

const perTree = (m: Measure) => `${((m.fitSeconds / m.trees) * 1000).toFixed(1)} ms`;

async function compare(name: string, classes: number, folder: string): Promise<void> {
  const generated = splitTrainTest(makeClassification({samples: 20_000, features: 20, informative: 10, classes, seed: 0}), 0.25, 0);
  const trainFile = join(folder, `${name}-train.csv`);
  const testFile = join(folder, `${name}-test.csv`);
  writeCsv(trainFile, generated.train);
  writeCsv(testFile, generated.test);
  // Everyone reads the same CSV text, so all see the same numbers.
  const train = loadCsvDataset(trainFile, 'label');
  const test = loadCsvDataset(testFile, 'label');

  const native = fitInProcess('native', train, test, TREES);
  const sklearn = await fitSklearn(trainFile, testFile, TREES);
  console.log(`\n${name}: ${train.rows} training rows x ${train.features} features, ${classes} classes, ${TREES} trees, maxFeatures sqrt, one core`);
  console.log(`  native            fit ${native.fitSeconds.toFixed(2)} s  (${perTree(native)}/tree)  accuracy ${native.testAccuracy.toFixed(4)}`);
  if (sklearn) {
    console.log(`  scikit-learn      fit ${sklearn.fitSeconds.toFixed(2)} s  (${perTree(sklearn)}/tree)  accuracy ${sklearn.testAccuracy.toFixed(4)}`);
    console.log(`  native / sklearn  time ${(native.fitSeconds / sklearn.fitSeconds).toFixed(3)}x, accuracy ${((native.testAccuracy - sklearn.testAccuracy) * 100).toFixed(2)} points`);
  } else {
    console.log('  scikit-learn      not measured: /usr/bin/python3 with sklearn is missing (apt-get install python3-sklearn)');
  }
  if (classes !== 2) return;

  const capped = takeRows(train, Array.from({length: ML_ROWS}, (_, i) => i));
  const ml = fitInProcess('ml-random-forest', capped, test, ML_TREES);
  const nativeCapped = fitInProcess('native', capped, test, ML_TREES);
  console.log(`  ml-random-forest  on the first ${ML_ROWS} rows, ${ML_TREES} trees: fit ${ml.fitSeconds.toFixed(2)} s (${perTree(ml)}/tree) accuracy ${ml.testAccuracy.toFixed(4)}`);
  console.log(`  native            on the same rows and trees: fit ${nativeCapped.fitSeconds.toFixed(3)} s (${perTree(nativeCapped)}/tree) accuracy ${nativeCapped.testAccuracy.toFixed(4)}`);
  console.log(`  ml-random-forest / native  ${(ml.fitSeconds / nativeCapped.fitSeconds).toFixed(0)}x`);
}

const folder = mkdtempSync(join(tmpdir(), 'cluster-bench-'));
console.log(`Trainer benchmark on ${cpus()[0]?.model} (${cpus().length} CPUs), Node.js ${process.version}`);
await compare('binary', 2, folder);
await compare('ten-class', 10, folder);
