import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {loadData} from '../../src/train/load-data.js';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

// CSV files as users have them (';', an id column, text features, NA cells) against scikit-learn 1.2
// on the same encoded data. CI installs python3-sklearn; elsewhere skipped when /usr/bin/python3 lacks it.
const PYTHON = '/usr/bin/python3';
const REFERENCE = fileURLToPath(new URL('../../../test/train/python/encoded_reference.py', import.meta.url));
const hasSklearn =
  existsSync(PYTHON) && (await execa(PYTHON, ['-c', 'import sklearn'], {reject: false})).exitCode === 0;
if (!hasSklearn && process.env.CI)
  throw new Error('CI needs /usr/bin/python3 with scikit-learn (apt-get install python3-sklearn)');
const serialTest = hasSklearn ? test.serial : test.skip;
const SEEDS = 3;
const TREES = 100;

interface Reference {
  accuracy: number[];
  features: string[];
  columnSums: number[];
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

for (const name of ['wine', 'breast_cancer']) {
  serialTest(
    `${name} as a user's CSV (';', a shuffled id, a feature as words, a text column, 5% NA): the id is warned of with the --drop that works, text encoded as scikit-learn's OrdinalEncoder, accuracy within a point of RandomForestClassifier's`,
    async (t) => {
      const folder = folderWith();
      const reference = JSON.parse(
        (await execa(PYTHON, [REFERENCE, folder, name, String(SEEDS), String(TREES)])).stdout,
      ) as Reference;
      const args = ['train', '--data', 'train.csv', '--test', 'test.csv', '--target', 'label', '--cores', '1'];
      const args100 = [...args, '--trees', String(TREES), '--missing', 'median', '--json'];

      // Without --drop id: told of the id, and the hint's flag is what the next run passes.
      const warned = await cluster(
        [...args, '--trees', '5', '--missing', 'median', '--json', '--out', 'w.bin'],
        folder,
      );
      t.is(warned.exitCode, 0, warned.stderr);
      const warnings = (JSON.parse(warned.stdout) as {warnings: string[]}).warnings;
      t.true(
        warnings.some((w) => /column 'id' looks like a row id .* pass --drop id$/.test(w)),
        warnings.join('\n'),
      );
      t.true(
        warnings.some((w) => w.startsWith("encoded the text columns '")),
        warnings.join('\n'),
      );

      // The same encoded and filled training columns as scikit-learn's.
      const {train} = loadData(
        {
          data: `${folder}/train.csv`,
          test: `${folder}/test.csv`,
          target: 'label',
          drop: 'id',
          missing: 'median',
          seed: 0,
        },
        0,
        'forest',
      );
      t.deepEqual(train.featureNames, reference.features);
      const sums = train.featureNames.map((_, f) => {
        let sum = 0;
        for (let row = 0; row < train.rows; row++) sum += train.values[row * train.features + f];
        return sum;
      });
      sums.forEach((sum, f) =>
        t.true(Math.abs(sum - reference.columnSums[f]) <= 1e-9 * Math.max(1, Math.abs(sum)), train.featureNames[f]),
      );

      const ours: number[] = [];
      for (let seed = 0; seed < SEEDS; seed++) {
        const run = await cluster(
          [...args100, '--drop', 'id', '--seed', String(seed), '--out', `m${seed}.bin`],
          folder,
        );
        t.is(run.exitCode, 0, run.stderr);
        ours.push((JSON.parse(run.stdout) as {testAccuracy: number}).testAccuracy);
      }
      t.log(
        `${name}: ours ${mean(ours).toFixed(4)}, scikit-learn ${mean(reference.accuracy).toFixed(4)} (${SEEDS} seeds)`,
      );
      t.true(mean(ours) >= mean(reference.accuracy) - 0.01, `ours ${ours}, scikit-learn ${reference.accuracy}`);

      // predict reads the model's categories back: the test file scores as train measured it.
      const predicted = await cluster(['predict', '--model', 'm0.bin', '--data', 'test.csv', '--json'], folder);
      t.is(predicted.exitCode, 0, predicted.stderr);
      t.is((JSON.parse(predicted.stdout) as {accuracy: number}).accuracy, ours[0]);
    },
  );
}
