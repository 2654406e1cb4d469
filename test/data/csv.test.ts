import test from 'ava';
import {csvToDataset, parseCsv} from '../../src/data/csv.js';
import {splitTrainTest} from '../../src/data/split.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {InputError} from '../../src/errors.js';

const load = (text: string, target = 'species') => csvToDataset(parseCsv(text, 'iris.csv'), target, 'iris.csv');

test('a header, numeric features and string labels mapped to classes in sorted order', (t) => {
  const data = load('sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\r\n6.3,6.0,"virginica"\n4.9,1.4,setosa\n');
  t.is(data.rows, 4);
  t.is(data.features, 2);
  t.deepEqual(data.featureNames, ['sepal', 'petal']);
  t.deepEqual(data.classes, ['setosa', 'versicolor', 'virginica']);
  t.deepEqual(Array.from(data.labels), [0, 1, 2, 0]);
  t.deepEqual(Array.from(data.values), [5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.4]);
});

test('the target may be any column; numeric labels sort as numbers', (t) => {
  const data = load('label,a\n10,1\n9,2\n10,3\n', 'label');
  t.deepEqual(data.classes, ['9', '10']);
  t.deepEqual(Array.from(data.labels), [1, 0, 1]);
  t.deepEqual(Array.from(data.values), [1, 2, 3]);
});

test('quoted cells may hold commas, quotes and newlines', (t) => {
  const table = parseCsv('a,b\n"x, ""y""","line\nbreak"\n2,3\n', 'q.csv');
  t.deepEqual(table.records, [
    {line: 2, cells: ['x, "y"', 'line\nbreak']},
    {line: 4, cells: ['2', '3']},
  ]);
});

const refuses = test.macro((t, text: string, message: string) => {
  const error = t.throws(() => load(text), {instanceOf: InputError});
  t.is(error?.message, message);
});

test('target column missing', refuses, 'a,b\n1,x\n', "iris.csv:1: species: no column named 'species' (columns: a, b) (set the target to one of the header names)");
test('a non-numeric feature cell, by line and column', refuses, 'a,b,species\n1,2,x\n3,abc,y\n', "iris.csv:3:2: b: 'abc' is not a number (feature columns must hold finite numbers)");
test('an empty feature cell', refuses, 'a,b,species\n1,,x\n', 'iris.csv:2:2: b: empty cell (feature columns must hold finite numbers)');
test('NaN in a feature cell', refuses, 'a,species\nNaN,x\n', "iris.csv:2:1: a: 'NaN' is not a number (feature columns must hold finite numbers)");
test('a short row', refuses, 'a,b,species\n1,2\n', 'iris.csv:2: 2 cells where the header has 3 (every row needs one cell per column)');
test('no data rows', refuses, 'a,species\n', 'iris.csv: no data rows (add rows below the header)');
test('an empty file', (t) => {
  t.is(t.throws(() => parseCsv('', 'e.csv'))?.message, 'e.csv: the file is empty (a CSV data set needs a header row and data rows)');
});

test('the split is seeded, disjoint and sized by the fraction', (t) => {
  const data = makeClassification({samples: 100, features: 3, informative: 2, classes: 2, seed: 0});
  const a = splitTrainTest(data, 0.25, 9);
  const b = splitTrainTest(data, 0.25, 9);
  t.is(a.test.rows, 25);
  t.is(a.train.rows, 75);
  t.deepEqual(a.test.values, b.test.values);
  t.notDeepEqual(splitTrainTest(data, 0.25, 10).test.values, a.test.values);
  const rowsOf = (d: typeof data) => Array.from({length: d.rows}, (_, i) => d.values.subarray(i * 3, i * 3 + 3).join());
  const train = new Set(rowsOf(a.train));
  t.true(rowsOf(a.test).every((row) => !train.has(row)));
});
