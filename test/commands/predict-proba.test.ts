import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {parseCsv} from '../../src/data/csv.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

/** A user's file: a quoted name holding the delimiter first, four features, string classes last. */
function csvOf(samples: number, seed: number, delimiter: string): string {
  const data = makeClassification({samples, features: 4, informative: 3, classes: 3, seed});
  const classes = ['red', 'green', 'blue'];
  const lines = [['name', 'a', 'b', 'c', 'e', 'colour'].join(delimiter)];
  for (let r = 0; r < data.rows; r++) {
    const values = [...data.values.subarray(r * 4, r * 4 + 4)].map((v) => v.toFixed(4));
    lines.push([`"row ${r}${delimiter} ""x"""`, ...values, classes[data.labels[r]]].join(delimiter));
  }
  return `${lines.join('\n')}\n`;
}

const train = ['train', '--data', 'd.csv', '--target', 'colour', '--drop', 'name', '--cores', '1'];

/** Each row's probabilities sum to 1, and the prediction is the class of the highest. */
function checkProbabilities(
  t: {true(v: boolean, m?: string): void; is(a: unknown, b: unknown): void},
  header: string[],
  rows: string[][],
) {
  const at = header.indexOf('prediction');
  const classes = header.slice(at + 1).map((name) => name.replace(/^proba_/, ''));
  t.is(classes.join(','), 'blue,green,red');
  for (const cells of rows) {
    const p = cells.slice(at + 1).map(Number);
    t.true(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5, cells.join('|'));
    t.true(
      p.every((v) => v >= 0 && v <= 1),
      cells.join('|'),
    );
    t.is(classes[p.indexOf(Math.max(...p))], cells[at]);
  }
}

for (const workload of ['forest', 'network'] as const) {
  test(`predict --proba --keep-columns on a ${workload}: the input's cells as they were, the prediction, one probability per class that sum to 1`, async (t) => {
    const folder = folderWith({'d.csv': csvOf(240, 1, ';'), 'new.csv': csvOf(40, 2, ';')});
    const extra = workload === 'network' ? ['--workload', 'network', '--epochs', '20'] : ['--trees', '20'];
    const trained = await cluster([...train, ...extra, '--out', 'm.bin'], folder);
    t.is(trained.exitCode, 0, trained.stderr);

    const kept = await cluster(
      ['predict', '--model', 'm.bin', '--data', 'new.csv', '--proba', '--keep-columns', '--out', 'p.csv'],
      folder,
    );
    t.is(kept.exitCode, 0, kept.stderr);
    t.regex(kept.stdout, /^Wrote 40 predictions to p\.csv\.\n/);
    const text = readFileSync(join(folder, 'p.csv'), 'utf8');
    // Written in the input's delimiter, its lines before the new cells byte for byte.
    const input = readFileSync(join(folder, 'new.csv'), 'utf8').trim().split('\n');
    const output = text.trim().split('\n');
    t.is(output.length, input.length);
    output.forEach((line, i) => t.true(line.startsWith(`${input[i]};`), line));
    t.is(output[0], `${input[0]};prediction;proba_blue;proba_green;proba_red`);
    const table = parseCsv(text.replaceAll(';', ','), 'p.csv');
    t.is(table.records.length, 40);

    // The same probabilities without the input's columns, comma-separated, on stdout and in --json.
    const plain = await cluster(['predict', '--model', 'm.bin', '--data', 'new.csv', '--proba'], folder);
    t.is(plain.exitCode, 0, plain.stderr);
    const lines = plain.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    t.deepEqual(lines[0], ['prediction', 'proba_blue', 'proba_green', 'proba_red']);
    checkProbabilities(t, lines[0], lines.slice(1));
    output.slice(1).forEach((line, i) => t.true(line.endsWith(`;${lines[i + 1].join(';')}`), line));
    const json = await cluster(['predict', '--model', 'm.bin', '--data', 'new.csv', '--proba', '--json'], folder);
    const parsed = JSON.parse(json.stdout) as {classes: string[]; probabilities: number[][]; predictions: string[]};
    t.deepEqual(parsed.classes, ['blue', 'green', 'red']);
    t.deepEqual(
      parsed.probabilities,
      lines.slice(1).map((cells) => cells.slice(1).map(Number)),
    );
  });
}

test('predict --keep-columns refuses a data file that already has a column named prediction, with what to do', async (t) => {
  const folder = folderWith({
    'd.csv': csvOf(120, 1, ','),
    'new.csv': csvOf(10, 2, ',').replace('name,', 'prediction,'),
  });
  t.is((await cluster([...train, '--trees', '5', '--out', 'm.bin'], folder)).exitCode, 0);
  const result = await cluster(['predict', '--model', 'm.bin', '--data', 'new.csv', '--keep-columns'], folder);
  t.is(result.exitCode, 2);
  t.regex(result.stderr, /--keep-columns: the data already has a column named 'prediction', which predict writes/);
});

test("a text column trains as categories, said once; predict encodes new rows with the model's categories and refuses one it never saw, naming those it knows", async (t) => {
  const rows = Array.from(
    {length: 60},
    (_, r) => `${r % 7},${['north', 'south', 'east'][r % 3]},${r % 3 === 0 ? 'x' : 'y'}`,
  );
  const folder = folderWith({
    'd.csv': `a,region,y\n${rows.join('\n')}\n`,
    'new.csv': 'a,region\n1,north\n2,south\n',
    'odd.csv': 'a,region\n1,north\n2,west\n',
  });
  const trained = await cluster(['train', '--data', 'd.csv', '--target', 'y', '--trees', '10', '--cores', '1'], folder);
  t.is(trained.exitCode, 0, trained.stderr);
  t.regex(trained.stderr, /^Warning: encoded the text column 'region' \(3: east, north, south\) as ordinal codes/m);
  t.regex(trained.stdout, /Test accuracy 1\.0000/);
  const predicted = await cluster(['predict', '--model', 'model.bin', '--data', 'new.csv'], folder);
  t.is(predicted.stdout, 'x\ny\n');
  const odd = await cluster(['predict', '--model', 'model.bin', '--data', 'odd.csv'], folder);
  t.is(odd.exitCode, 2);
  t.is(
    odd.stderr,
    "Error: odd.csv:3:2: region: 'west' is not one of the 3 categories the model was trained with (east, north, south) (a model can only place a category it has seen: train on rows that have it, or leave this row out)\n",
  );
});
