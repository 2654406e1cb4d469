import {existsSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {loadCsvDataset} from '../../src/data/csv.js';
import {isMaxFeatures, parseMaxFeatures} from '../../src/forest/max-features.js';
import {trainHere} from '../../src/forest/train-here.js';
import type {TreeOptions} from '../../src/forest/trainer.js';
import {folderWith} from '../helpers/files.js';

// The native trainer against scikit-learn 1.2 on the same CSV files, same settings, 100 trees.
// CI installs python3-sklearn; elsewhere these tests are skipped when /usr/bin/python3 lacks it.
const PYTHON = '/usr/bin/python3';
const BENCH = fileURLToPath(new URL('../../../benchmarks/', import.meta.url));
const hasSklearn =
  existsSync(PYTHON) && (await execa(PYTHON, ['-c', 'import sklearn'], {reject: false})).exitCode === 0;
if (!hasSklearn && process.env.CI)
  throw new Error('CI needs /usr/bin/python3 with scikit-learn (apt-get install python3-sklearn)');
const sklearnTest = hasSklearn ? test : test.skip;
const folder = folderWith();
const SEEDS = [0, 1, 2];

/** Forest settings as both sides read them: maxFeatures as written (1.0 is every feature), maxDepth none for unlimited. */
interface Settings {
  maxFeatures: string;
  maxDepth: number | 'none';
  minSamplesLeaf: number;
  criterion: 'gini' | 'entropy';
}

const DEFAULTS: Settings = {maxFeatures: 'sqrt', maxDepth: 'none', minSamplesLeaf: 1, criterion: 'gini'};

async function sklearnAccuracy(shape: string, seed: number, settings: Settings): Promise<number> {
  const {maxFeatures, maxDepth, minSamplesLeaf, criterion} = settings;
  const result = await execa(PYTHON, [
    join(BENCH, 'sklearn_reference.py'),
    join(folder, `${shape}-${seed}-train.csv`),
    join(folder, `${shape}-${seed}-test.csv`),
    'label',
    '100',
    maxFeatures,
    String(seed),
    String(maxDepth),
    String(minSamplesLeaf),
    criterion,
  ]);
  return (JSON.parse(String(result.stdout)) as {testAccuracy: number}).testAccuracy;
}

function nativeAccuracy(shape: string, seed: number, settings: Settings): number {
  const train = loadCsvDataset(join(folder, `${shape}-${seed}-train.csv`), 'label');
  const held = loadCsvDataset(join(folder, `${shape}-${seed}-test.csv`), 'label');
  const maxFeatures = parseMaxFeatures(settings.maxFeatures);
  if (!isMaxFeatures(maxFeatures)) throw new Error(maxFeatures.problem);
  const options: TreeOptions = {
    trainer: 'native',
    maxFeatures,
    minSamplesLeaf: settings.minSamplesLeaf,
    criterion: settings.criterion,
    ...(settings.maxDepth === 'none' ? {} : {maxDepth: settings.maxDepth}),
  };
  return trainHere(train, options, 100, seed).accuracy(held.values, held.features, held.labels);
}

const matchesSklearn = test.macro({
  async exec(t, shape: string, settings: Settings = DEFAULTS) {
    for (const seed of SEEDS) await execa(PYTHON, [join(BENCH, 'make_data.py'), folder, String(seed), shape]);
    let native = 0;
    let sklearn = 0;
    for (const seed of SEEDS) {
      native += nativeAccuracy(shape, seed, settings) / SEEDS.length;
      sklearn += (await sklearnAccuracy(shape, seed, settings)) / SEEDS.length;
    }
    t.log(`${shape}: native ${native.toFixed(4)}, scikit-learn ${sklearn.toFixed(4)}`);
    t.true(
      native >= sklearn - 0.01,
      `native ${native.toFixed(4)} is more than a point below scikit-learn's ${sklearn.toFixed(4)}`,
    );
  },
  title: (_, shape: string, settings: Settings = DEFAULTS) =>
    `on ${shape}${settings === DEFAULTS ? '' : ` with ${JSON.stringify(settings)}`}, the native trainer's accuracy is within a point of scikit-learn's (mean of ${SEEDS.length} seeds)`,
});

// One after another: each runs scikit-learn three times, and the machine may be busy.
const serialTest = hasSklearn ? test.serial : test.skip;
for (const shape of ['breast-cancer', 'digits', 'wine', 'lognormal-steps-small', 'integer-code-small'])
  serialTest(matchesSklearn, shape);
// Settings other than the defaults: a shallow entropy forest over half the features, leaves of 5 rows or more; every feature (1.0).
serialTest(matchesSklearn, 'lognormal-steps-small', {
  maxFeatures: '0.5',
  maxDepth: 8,
  minSamplesLeaf: 5,
  criterion: 'entropy',
});
serialTest(matchesSklearn, 'integer-code-small', {
  maxFeatures: '1.0',
  maxDepth: 'none',
  minSamplesLeaf: 1,
  criterion: 'gini',
});

sklearnTest(
  'scikit-learn draws features as the native trainer does: constant ones count against max_features',
  async (t) => {
    // The data of sampling.test.ts: the strong feature, a weak one, eight constant; stumps with max_features=2.
    const rows = Array.from(
      {length: 300},
      (_, r) => `${r % 2},${(r * 7) % 3 === 0 ? 1 - (r % 2) : r % 2},${Array(8).fill(7).join(',')},${r % 2}`,
    );
    writeFileSync(
      join(folder, 'stumps.csv'),
      `${[...Array.from({length: 10}, (_, f) => `x${f}`), 'label'].join(',')}\n${rows.join('\n')}\n`,
    );
    const script = [
      'import sys, numpy as np',
      'from sklearn.tree import DecisionTreeClassifier',
      'd = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)',
      'roots = [DecisionTreeClassifier(max_features=2, max_depth=1, random_state=s).fit(d[:, :10], d[:, 10]).tree_.feature[0] for s in range(400)]',
      'print(sum(1 for f in roots if f == 1) / len(roots))',
    ].join('\n');
    const weak = Number((await execa(PYTHON, ['-c', script, join(folder, 'stumps.csv')])).stdout);
    t.true(
      Math.abs(weak - 44 / 90) < 0.08,
      `scikit-learn split on the weak feature in ${weak} of the stumps, the native trainer's rule predicts 44/90`,
    );
  },
);
