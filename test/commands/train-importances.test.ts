import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

// train's feature importances and confusion matrix on scikit-learn's breast-cancer and wine data,
// against scikit-learn's RandomForestClassifier.feature_importances_ on the same files.
const PYTHON = '/usr/bin/python3';
const BENCH = fileURLToPath(new URL('../../../benchmarks/', import.meta.url));
const hasSklearn =
  existsSync(PYTHON) && (await execa(PYTHON, ['-c', 'import sklearn'], {reject: false})).exitCode === 0;
if (!hasSklearn && process.env.CI)
  throw new Error('CI needs /usr/bin/python3 with scikit-learn (apt-get install python3-sklearn)');
const serialTest = hasSklearn ? test.serial : test.skip;
const folder = folderWith();

interface TrainJson {
  testAccuracy: number;
  testRows: number;
  features: number;
  importances: {feature: string; importance: number}[];
  confusion: {classes: string[]; counts: number[][]; unseen: number[] | null};
}

/** Spearman's rank correlation of two lists of the same length (no ties expected among importances). */
function rankCorrelation(a: readonly number[], b: readonly number[]): number {
  const ranks = (values: readonly number[]) => {
    const order = values.map((value, at) => ({value, at})).sort((x, y) => x.value - y.value);
    const rank = new Array<number>(values.length);
    order.forEach(({at}, r) => (rank[at] = r));
    return rank;
  };
  const [ra, rb] = [ranks(a), ranks(b)];
  const n = a.length;
  const d2 = ra.reduce((sum, r, at) => sum + (r - rb[at]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

for (const shape of ['breast-cancer', 'wine']) {
  serialTest(
    `on ${shape}: importances rank the features as scikit-learn's do, and the confusion matrix gives the accuracy`,
    async (t) => {
      await execa(PYTHON, [join(BENCH, 'make_data.py'), folder, '0', shape]);
      const [trainCsv, testCsv] = ['train', 'test'].map((part) => join(folder, `${shape}-0-${part}.csv`));
      const ours = await cluster(
        [
          'train',
          '--data',
          trainCsv,
          '--test',
          testCsv,
          '--target',
          'label',
          '--trees',
          '200',
          '--cores',
          '1',
          '--out',
          join(folder, `${shape}.bin`),
        ],
        folder,
      );
      t.is(ours.exitCode, 0, ours.stderr);
      t.regex(
        ours.stdout,
        /Feature importances \(mean decrease in impurity, summing to 1; top 10 of \d+\):\n {2}\S+ +0\.\d{4}\n/,
      );
      t.regex(
        ours.stdout,
        /Confusion matrix on the \d+ test rows \(a row per true class, a column per predicted class\):\n/,
      );
      const json = await cluster(
        [
          'train',
          '--data',
          trainCsv,
          '--test',
          testCsv,
          '--target',
          'label',
          '--trees',
          '200',
          '--cores',
          '1',
          '--out',
          join(folder, `${shape}.bin`),
          '--json',
        ],
        folder,
      );
      t.is(json.exitCode, 0, json.stderr);
      const result = JSON.parse(json.stdout) as TrainJson;
      const sum = result.importances.reduce((total, {importance}) => total + importance, 0);
      t.true(Math.abs(sum - 1) < 1e-9, `importances sum to ${sum}`);
      t.is(result.importances.length, result.features);

      const {counts, unseen} = result.confusion;
      const cells = counts.flat().reduce((a, b) => a + b, 0) + (unseen ?? []).reduce((a, b) => a + b, 0);
      t.is(cells, result.testRows);
      const diagonal = counts.reduce((total, row, at) => total + row[at], 0);
      t.is(diagonal / result.testRows, result.testAccuracy);

      const reference = await execa(PYTHON, [join(BENCH, 'sklearn_reference.py'), trainCsv, testCsv, 'label', '200']);
      const sklearn = (JSON.parse(String(reference.stdout)) as {importances: number[]}).importances;
      // The file's feature columns are x0, x1, ... in order, as scikit-learn's are.
      const byName = new Map(result.importances.map(({feature, importance}) => [feature, importance]));
      const native = sklearn.map((_, at) => byName.get(`x${at}`)!);
      const rho = rankCorrelation(native, sklearn);
      const top = (values: number[]) =>
        values
          .map((value, at) => ({value, at}))
          .sort((a, b) => b.value - a.value)
          .slice(0, 5)
          .map(({at}) => at);
      const shared = top(native).filter((at) => top(sklearn).includes(at)).length;
      t.log(`${shape}: rank correlation ${rho.toFixed(3)}, ${shared} of the top 5 shared`);
      t.true(rho > 0.8, `rank correlation with scikit-learn's importances ${rho.toFixed(3)}`);
      t.true(shared >= 3, `only ${shared} of scikit-learn's top 5 features among ours`);
    },
  );
}
