import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {makeClassification} from '../../src/data/synthetic.js';
import {Random} from '../../src/data/random.js';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

/** A seeded synthetic data set as a user's CSV: this delimiter, extra columns first, string classes last. */
function csvOf(
  samples: number,
  seed: number,
  options: {delimiter?: string; id?: boolean; names?: string[]} = {},
): string {
  const data = makeClassification({samples, features: 4, informative: 3, classes: 3, seed});
  const classes = options.names ?? ['red', 'green', 'blue'];
  const ids = new Random(seed).shuffle(Uint32Array.from({length: samples}, (_, i) => i + 1));
  const d = options.delimiter ?? ',';
  const lines = [[...(options.id ? ['id'] : []), 'a', 'b', 'c', 'e', 'colour'].join(d)];
  for (let r = 0; r < data.rows; r++) {
    const values = [...data.values.subarray(r * 4, r * 4 + 4)].map((v) => v.toFixed(4));
    lines.push([...(options.id ? [String(ids[r])] : []), ...values, classes[data.labels[r]]].join(d));
  }
  return `${lines.join('\n')}\n`;
}

/** A hint's flags as a shell passes them when the user pastes them. */
const pasted = (hint: string): string[] =>
  execFileSync('sh', ['-c', `printf '%s\\n' ${hint}`], {encoding: 'utf8'})
    .trim()
    .split('\n');

const train = ['train', '--data', 'd.csv', '--target', 'colour', '--trees', '10', '--cores', '1', '--json'];
/** Without --json, whose output holds the warnings and errors in place of stderr. */
const plain = train.slice(0, -1);

test("a ';'-separated file trains as its ',' twin; predict reads a tab file with --delimiter tab, its columns by name, extra ones ignored", async (t) => {
  const tabbed = csvOf(60, 2, {delimiter: '\t'})
    .split('\n')
    .map((line) => (line ? `${line.split('\t').reverse().join('\t')}\tzz` : line))
    .join('\n');
  const folder = folderWith({
    'd.csv': csvOf(200, 1, {delimiter: ';'}),
    'c.csv': csvOf(200, 1),
    'new.csv': csvOf(60, 2),
    'new.tsv': tabbed,
  });
  const semi = await cluster([...train, '--out', 'semi.bin'], folder);
  t.is(semi.exitCode, 0, semi.stdout);
  t.is(JSON.parse(semi.stdout).features, 4);
  t.deepEqual(JSON.parse(semi.stdout).warnings, []);
  const twin = await cluster([...train.map((arg) => (arg === 'd.csv' ? 'c.csv' : arg)), '--out', 'comma.bin'], folder);
  t.is(twin.exitCode, 0, twin.stdout);
  t.deepEqual(readFileSync(join(folder, 'semi.bin')), readFileSync(join(folder, 'comma.bin')));

  const fromCsv = await cluster(['predict', '--model', 'semi.bin', '--data', 'new.csv'], folder);
  const fromTsv = await cluster(['predict', '--model', 'semi.bin', '--data', 'new.tsv', '--delimiter', 'tab'], folder);
  t.is(fromTsv.exitCode, 0, fromTsv.stderr);
  t.is(fromTsv.stdout, fromCsv.stdout);
  t.is(fromTsv.stderr, fromCsv.stderr);
});

test("an ambiguous ';' file is read with ',', and the error's --delimiter hint runs as pasted", async (t) => {
  const lines = csvOf(40, 1, {delimiter: ';'}).split('\n');
  lines[3] = lines[3].split(';').slice(0, 3).join(';');
  const folder = folderWith({'d.csv': lines.join('\n')});
  const first = await cluster(plain, folder);
  t.is(
    first.stderr,
    "Error: d.csv:1: this file looks ';'-separated: pass --delimiter ';' (read with ',', its header is one column, 'a;b;c;e;colour')\n",
  );
  t.is(first.exitCode, 2);
  const hint = /pass (--delimiter \S+)/.exec(first.stderr)![1];
  const again = await cluster([...plain, ...pasted(hint)], folder);
  t.is(again.stderr, 'Error: d.csv:4: 3 cells where the header has 5 (every row needs one cell per column)\n');
  const flag = await cluster([...plain, '--delimiter', ':'], folder);
  t.is(
    flag.stderr,
    "Error: --delimiter: ':' is not a delimiter this reader knows (use ',' ';' '|' or tab, or leave it out to detect it)\n",
  );
});

test('--columns and --drop choose the features; unknown names are refused with the columns listed', async (t) => {
  const folder = folderWith({'d.csv': csvOf(120, 1)});
  const chosen = await cluster([...train, '--columns', 'a,c', '--out', 'ac.bin'], folder);
  t.is(chosen.exitCode, 0, chosen.stderr);
  t.is(JSON.parse(chosen.stdout).features, 2);
  const dropped = await cluster([...train, '--drop', 'b', '--out', 'ace.bin'], folder);
  t.is(JSON.parse(dropped.stdout).features, 3);
  // predict takes the model's columns from the model file: b, here, is an extra column it ignores.
  const predicted = await cluster(['predict', '--model', 'ac.bin', '--data', 'd.csv'], folder);
  t.is(predicted.exitCode, 0, predicted.stderr);
  const unknown = await cluster([...plain, '--columns', 'a,nope'], folder);
  t.is(
    unknown.stderr,
    "Error: d.csv:1: --columns: no column named 'nope' (columns: a, b, c, e, colour) (name columns of the header)\n",
  );
  t.is(unknown.exitCode, 2);
  const unknownDrop = await cluster([...plain, '--drop', 'ID'], folder);
  t.is(
    unknownDrop.stderr,
    "Error: d.csv:1: --drop: no column named 'ID' (columns: a, b, c, e, colour) (name columns of the header)\n",
  );
});

test('an id column (unique whole numbers, shuffled) is warned about, and the --drop hint silences it when pasted', async (t) => {
  const folder = folderWith({'d.csv': csvOf(120, 1, {id: true})});
  const warned = await cluster(plain, folder);
  t.is(warned.exitCode, 0, warned.stderr);
  const warning =
    "column 'id' looks like a row id (named like a row index): the forest would learn the rows' numbering, which says nothing about new rows; train without it: pass --drop id";
  t.is(warned.stderr, `Warning: ${warning}\n`);
  t.deepEqual(JSON.parse((await cluster(train, folder)).stdout).warnings, [warning]);
  const clean = await cluster([...train, ...pasted(/pass (--drop .+)$/m.exec(warned.stderr)![1])], folder);
  t.deepEqual(JSON.parse(clean.stdout).warnings, []);
  t.is(JSON.parse(clean.stdout).features, 4);

  // Not named like one: told by its values, a different whole number in each row.
  const renamed = folderWith({'d.csv': csvOf(120, 1, {id: true}).replace(/^id,/, 'customer,')});
  const byValues = await cluster(plain, renamed);
  t.regex(
    byValues.stderr,
    /^Warning: column 'customer' looks like a row id \(a different whole number in each of its 90 rows\): .* pass --drop customer\n$/,
  );
});

test('test labels never seen in training are warned about, named with their rows', async (t) => {
  const test = csvOf(40, 5, {names: ['red', 'purple', 'teal']});
  const folder = folderWith({'d.csv': csvOf(120, 1), 't.csv': test});
  const trained = await cluster([...plain, '--test', 't.csv'], folder);
  t.is(trained.exitCode, 0, trained.stderr);
  const counts = (name: string) => test.split('\n').filter((line) => line.endsWith(`,${name}`)).length;
  const rows = counts('purple') + counts('teal');
  t.is(
    trained.stderr,
    `Warning: ${rows} test rows have labels never seen in --data d.csv ('purple' ${counts('purple')} rows, 'teal' ${counts('teal')} rows): a forest can only answer classes it was trained on, so they count as wrong\n`,
  );
  const predicted = await cluster(['predict', '--model', 'model.bin', '--data', 't.csv', '--out', 'p.csv'], folder);
  t.is(predicted.exitCode, 0, predicted.stderr);
  t.is(
    predicted.stderr,
    `Warning: ${rows} test rows have labels never seen in the model's training rows (its classes: blue, green, red) ('purple' ${counts('purple')} rows, 'teal' ${counts('teal')} rows): a forest can only answer classes it was trained on, so they count as wrong\n`,
  );
});

/** Every fifth row's column b made missing, in the forms users' files hold it. */
function withMissing(text: string): string {
  const marks = ['', 'NA', 'NaN', '?'];
  return text
    .split('\n')
    .map((line, i) =>
      i > 0 && i % 5 === 0
        ? line
            .split(',')
            .map((cell, c) => (c === 1 ? marks[i % 4] : cell))
            .join(',')
        : line,
    )
    .join('\n');
}

test('--missing drop leaves the rows out and says how many; mean and median fill from the training rows, and predict fills the same from the model', async (t) => {
  const folder = folderWith({'d.csv': withMissing(csvOf(200, 1)), 'new.csv': withMissing(csvOf(50, 2))});
  const refused = await cluster(plain, folder);
  t.is(
    refused.stderr,
    "Error: d.csv:6:2: b: 'NA' marks a missing value (pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell)\n",
  );
  const dropped = await cluster([...plain, '--missing', 'drop', '--out', 'dropped.bin'], folder);
  t.is(dropped.exitCode, 0, dropped.stderr);
  t.is(dropped.stderr, 'Warning: left out 40 of the 200 rows of d.csv for a missing feature value (--missing drop)\n');
  t.regex(dropped.stdout, /on 120 rows x 4 features/);
  const unfilled = await cluster(['predict', '--model', 'dropped.bin', '--data', 'new.csv'], folder);
  t.is(
    unfilled.stderr,
    "Error: new.csv:6:2: b: 'NA' marks a missing value (the model was trained without --missing mean or median, so it has no value to fill in: fill the cell, or train with --missing mean or median)\n",
  );

  const median = await cluster([...plain, '--missing', 'median', '--test-fraction', '0'], folder);
  t.is(median.exitCode, 0, median.stderr);
  t.is(
    median.stderr,
    "Warning: filled 40 missing values with the training rows' median of their column (--missing median); the model keeps these values, and predict fills the same\n",
  );
  const predicted = await cluster(['predict', '--model', 'model.bin', '--data', 'new.csv'], folder);
  t.is(predicted.exitCode, 0, predicted.stderr);
  t.regex(
    predicted.stderr,
    /^Warning: filled 10 missing values with the values the model was trained with \(train --missing\)\nAccuracy /,
  );
  // The filled cells are the training median of b: written in, the predictions are the same.
  const b = csvOf(200, 1)
    .split('\n')
    .slice(1)
    .filter((line, i) => line && (i + 1) % 5 !== 0)
    .map((line) => Number(line.split(',')[1]))
    .sort((x, y) => x - y);
  const fill = (b[b.length / 2 - 1] + b[b.length / 2]) / 2;
  const filledIn = withMissing(csvOf(50, 2))
    .split('\n')
    .map((line, i) =>
      i > 0 && i % 5 === 0
        ? line
            .split(',')
            .map((cell, c) => (c === 1 ? String(fill) : cell))
            .join(',')
        : line,
    )
    .join('\n');
  const direct = await cluster(
    ['predict', '--model', 'model.bin', '--data', 'filled.csv'],
    folderWith({'filled.csv': filledIn, 'model.bin': readFileSync(join(folder, 'model.bin'))}),
  );
  t.is(direct.stdout, predicted.stdout);
});

test("an experiment's CSV dataset: delimiter, drop and missing as train's flags, and the delimiter hint names the field", async (t) => {
  const data = withMissing(csvOf(200, 1, {id: true})).replaceAll(',', ';');
  const experiment = (fields: string) =>
    smallExperiment({
      dataset: `{ kind: csv, path: data/f.csv, target: colour${fields} }`,
      forest: '{ trees: 4 }',
      combinations: '[[local-a]]',
    });
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/data/f.csv': data,
    'experiments/x.yaml': experiment(", delimiter: ';', drop: [id], missing: median"),
  });
  const result = await cluster(['bench', '--experiment', 'experiments/x.yaml', '--json'], folder);
  t.is(result.exitCode, 0, result.stdout);
  t.true(JSON.parse(result.stdout).rows[0].accuracy > 0.6, result.stdout);

  const lines = csvOf(40, 1, {delimiter: ';'}).split('\n');
  lines[3] = lines[3].split(';').slice(0, 3).join(';');
  const ambiguous = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/data/f.csv': lines.join('\n'),
    'experiments/x.yaml': experiment(''),
  });
  const hinted = await cluster(['bench', '--experiment', 'experiments/x.yaml'], ambiguous);
  t.is(
    hinted.stderr,
    "Error: data/f.csv:1: this file looks ';'-separated: set dataset.delimiter: ';' in the experiment (read with ',', its header is one column, 'a;b;c;e;colour')\n",
  );
});
