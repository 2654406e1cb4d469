import test from 'ava';
import {join} from 'node:path';
import {
  csvTextToDataset,
  forEachCsvRecord,
  loadCsvDataset,
  loadCsvDatasetCounted,
  parseCsv,
} from '../../src/data/csv.js';
import {Random} from '../../src/data/random.js';
import {LIMITS} from '../../src/limits.js';
import {folderWith} from '../helpers/files.js';
import {splitTrainTest} from '../../src/data/split.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {InputError} from '../../src/errors.js';

const load = (text: string, target = 'species') => csvTextToDataset(text, target, 'iris.csv');

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

test('labels that are all numbers are classes by value: 0 and 0.0 are one class, named as first written', (t) => {
  const data = load('a,y\n1,1\n2,0.0\n3,1.0\n4,0\n5,10\n', 'y');
  t.deepEqual(data.classes, ['0.0', '1', '10']);
  t.deepEqual(Array.from(data.labels), [1, 0, 1, 0, 2]);
  // Text labels stay apart: 'a' and 'A' are two classes.
  t.deepEqual(load('a,y\n1,a\n2,A\n3,0\n', 'y').classes, ['0', 'A', 'a']);
});

test('a target with a class in nearly every row is refused as a numeric column, past the bound on classes', (t) => {
  const rows = Array.from({length: LIMITS.classes + 1}, (_, i) => `${i},${i / 7}`).join('\n');
  const error = t.throws(() => load(`a,y\n${rows}\n`, 'y'), {instanceOf: InputError});
  t.is(
    error?.message,
    `iris.csv:1: y: the target column has ${LIMITS.classes + 1} classes, more than the ${LIMITS.classes} a forest may have (${LIMITS.classes + 1} rows: nearly every row its own class) (this looks like a numeric column (a regression target); choose a column of class labels as the target)`,
  );
  const many = Array.from({length: 4 * (LIMITS.classes + 1)}, (_, i) => `${i},c${i % (LIMITS.classes + 1)}`).join('\n');
  t.regex(
    t.throws(() => load(`a,y\n${many}\n`, 'y'))!.message,
    /more than the 256 a forest may have \(each leaf of every tree keeps a probability per class; group the labels into fewer classes\)$/,
  );
});

/** The parser this one replaced (it held every cell as a string), kept as the oracle of what a CSV means. */
function referenceRecords(text: string): {line: number; cells: string[]}[] | 'unclosed' {
  const records: {line: number; cells: string[]}[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0] !== '') records.push({line: recordLine, cells});
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else cell += char;
  }
  if (quoted) return 'unclosed';
  if (cell !== '' || cells.length > 0) records.push({line: recordLine, cells: [...cells, cell]});
  return records;
}

test('records as the old parser read them, on 3,000 random texts of quotes, commas and line ends', (t) => {
  const alphabet = ['a', '7', ',', '"', '""', '\n', '\r', '\r\n', ' ', 'é'];
  for (let seed = 1; seed <= 3000; seed++) {
    const random = new Random(seed);
    const text = Array.from(
      {length: random.nextUint32() % 40},
      () => alphabet[random.nextUint32() % alphabet.length],
    ).join('');
    const expected = referenceRecords(text);
    const records: {line: number; cells: string[]}[] = [];
    const read = () => forEachCsvRecord(text, 'r.csv', (cells, line) => records.push({line, cells}));
    if (expected === 'unclosed') t.throws(read, {message: /a quoted cell is never closed/}, JSON.stringify(text));
    else {
      read();
      t.deepEqual(records, expected, JSON.stringify(text));
    }
  }
});

const refuses = test.macro((t, text: string, message: string) => {
  const error = t.throws(() => load(text), {instanceOf: InputError});
  t.is(error?.message, message);
});

test(
  'target column missing',
  refuses,
  'a,b\n1,x\n',
  "iris.csv:1: species: no column named 'species' (columns: a, b) (set the target to one of the header names)",
);
test(
  'a non-numeric feature cell, by line and column',
  refuses,
  'a,b,species\n1,2,x\n3,abc,y\n',
  "iris.csv:3:2: b: 'abc' is not a number (the rows above hold numbers here: fix the cell (a column whose first value is a word is read as text, as categories))",
);
test(
  'an empty feature cell: the --missing choices named',
  refuses,
  'a,b,species\n1,,x\n',
  'iris.csv:2:2: b: empty cell (pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell)',
);
test(
  'NaN in a feature cell: the --missing choices named',
  refuses,
  'a,species\nNaN,x\n',
  "iris.csv:2:1: a: 'NaN' marks a missing value (pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell)",
);
for (const cell of ['nan', 'NA', '?', 'N/A'])
  test(
    `a feature cell '${cell}' marks a missing value`,
    refuses,
    `a,species\n${cell},x\n`,
    `iris.csv:2:1: a: '${cell}' marks a missing value (pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell)`,
  );
// JavaScript's Number() read 0x10 as 16 and 0b11 as 3: cells are numbers only as pandas reads them, in decimal.
for (const cell of [
  '0x10',
  '0b11',
  '0o7',
  '1_000',
  ' 1_000',
  '1e',
  'e5',
  '.',
  '+',
  '-',
  '1.2.3',
  '--1',
  '1e+',
  'Infinity',
  '-Infinity',
  'inf',
  '1e999',
  '١٢',
  '12px',
]) {
  test(
    `a feature cell '${cell}' is not a number`,
    refuses,
    `a,species\n1,y\n${cell},x\n`,
    `iris.csv:3:1: a: '${cell.trim()}' is not a number (the rows above hold numbers here: fix the cell (a column whose first value is a word is read as text, as categories))`,
  );
}
test('a column whose first value is a word is text: its categories sorted, each value its place (0x10 a category, not 16), missing cells kept apart', (t) => {
  const data = csvTextToDataset(
    'a,size,species\n1,small,x\n2,0x10,y\n3,,x\n4,large,y\n5,small,x\n6,7,y\n',
    'species',
    'iris.csv',
    {missing: 'keep'},
  );
  t.deepEqual(data.categories, [null, ['0x10', '7', 'large', 'small']]);
  t.deepEqual(Array.from(data.values), [1, 3, 2, 0, 3, Number.NaN, 4, 2, 5, 3, 6, 1]);
  const first = csvTextToDataset('a,size,species\n1,NA,x\n2,b,y\n3,a,x\n', 'species', 'iris.csv', {missing: 'keep'});
  t.deepEqual(first.categories, [null, ['a', 'b']]);
  t.deepEqual(Array.from(first.values), [1, Number.NaN, 2, 1, 3, 0]);
  t.is(csvTextToDataset('a,species\n1,x\n2,y\n', 'species', 'iris.csv').categories, undefined);
});
test('decimal numbers as pandas reads them', (t) => {
  const cells = ['16', '-3', '+3', '1.5', '.5', '2.', '-.5e-3', '1E+05', '  7  ', '007', '0', '-0', '1e-400'];
  const data = load(`a,species\n${cells.map((cell) => `${cell},x`).join('\n')}\n`);
  t.deepEqual(Array.from(data.values), [16, -3, 3, 1.5, 0.5, 2, -0.0005, 100000, 7, 7, 0, -0, 0]);
});
test('labels 0x10 and 16 are two text classes, not one number', (t) => {
  const data = load('a,y\n1,0x10\n2,16\n3,0b11\n4,3\n', 'y');
  t.deepEqual(data.classes, ['0b11', '0x10', '16', '3']);
  t.deepEqual(Array.from(data.labels), [1, 2, 0, 3]);
});
test(
  'a short row',
  refuses,
  'a,b,species\n1,2\n',
  'iris.csv:2: 2 cells where the header has 3 (every row needs one cell per column)',
);
test('no data rows', refuses, 'a,species\n', 'iris.csv: no data rows (add rows below the header)');
test(
  'a column name used twice, which would read one column in place of the other',
  refuses,
  'a,b,a,species\n1,2,3,x\n',
  "iris.csv:1:3: a: column 'a' appears twice (columns 1 and 3) (rename one of them: columns are read by name)",
);
test(
  "the target's name used twice",
  refuses,
  'a,species,b,species\n1,x,2,y\n',
  "iris.csv:1:4: species: column 'species' appears twice (columns 2 and 4) (rename one of them: columns are read by name)",
);

const refusesFile = test.macro((t, bytes: Uint8Array | string, message: string) => {
  const folder = folderWith({'d.csv': bytes});
  t.is(t.throws(() => loadCsvDataset(join(folder, 'd.csv'), 'y', 'd.csv'), {instanceOf: InputError})?.message, message);
});

test(
  'a byte that is not UTF-8 is refused with its line, not replaced (it would be a new class)',
  refusesFile,
  Buffer.from('a,y\n1,x\n2,n\xf6\n3,x\n', 'latin1'),
  'd.csv:3: byte 0xf6 at byte 4 of the line is not UTF-8 (save the file as UTF-8)',
);
test(
  'a cut multi-byte character',
  refusesFile,
  Buffer.concat([Buffer.from('a,y\n1,é\n2,'), Buffer.from('é').subarray(0, 1), Buffer.from('\n')]),
  'd.csv:3: byte 0xc3 at byte 3 of the line is not UTF-8 (save the file as UTF-8)',
);
test("a UTF-8 byte-order mark is not part of the first column's name", (t) => {
  const folder = folderWith({'d.csv': '\ufeffa,y\n1,x\n2,é\n'});
  const data = loadCsvDataset(join(folder, 'd.csv'), 'y');
  t.deepEqual(data.featureNames, ['a']);
  t.deepEqual(data.classes, ['x', 'é']);
});
test('a file past the size limit is refused before it is read whole: /dev/zero never ends', (t) => {
  const error = t.throws(() => loadCsvDataset('/dev/zero', 'y'), {instanceOf: InputError});
  t.is(
    error?.message,
    `/dev/zero: the file is larger than the ${Math.round(LIMITS.csvBytes / 2 ** 20)} MiB a CSV may be (the limit is from this machine's memory; use fewer rows or columns)`,
  );
});

test('an empty file', (t) => {
  t.is(
    t.throws(() => parseCsv('', 'e.csv'))?.message,
    'e.csv: the file is empty (a CSV data set needs a header row and data rows)',
  );
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

test('a detected delimiter: semicolons, tabs and pipes read as commas are', (t) => {
  for (const d of [';', '\t', '|']) {
    const data = load(
      ['sepal,petal,species', '"5,1",1.4,setosa', '7.0,4.7,virginica']
        .join('\n')
        .replaceAll(',', d)
        .replace(`"5${d}1"`, '5.1'),
    );
    t.deepEqual(data.featureNames, ['sepal', 'petal'], JSON.stringify(d));
    t.deepEqual(Array.from(data.values), [5.1, 1.4, 7.0, 4.7]);
  }
});

test('an ambiguous file read with commas into one column holding another delimiter names the flag, or the experiment field', (t) => {
  const text = 'a;b;species\n1;2;x\n3;4\n';
  t.is(
    t.throws(() => load(text), {instanceOf: InputError})?.message,
    "iris.csv:1: this file looks ';'-separated: pass --delimiter ';' (read with ',', its header is one column, 'a;b;species')",
  );
  t.is(
    t.throws(() => csvTextToDataset(text.replaceAll(';', '\t'), 'species', 'iris.csv', {setIn: 'experiment'}))?.message,
    "iris.csv:1: this file looks tab-separated: set dataset.delimiter: tab in the experiment (read with ',', its header is one column, 'a\tb\tspecies')",
  );
  // Given, the delimiter is used as it is: the short row is the error.
  t.is(
    t.throws(() => csvTextToDataset(text, 'species', 'iris.csv', {delimiter: ';'}))?.message,
    'iris.csv:3: 2 cells where the header has 3 (every row needs one cell per column)',
  );
});

test('columns and drop choose the features; names the header lacks are refused with the columns listed', (t) => {
  const text = 'id,a,b,c,species\n1,1,2,3,x\n2,4,5,6,z\n';
  t.deepEqual(csvTextToDataset(text, 'species', 'iris.csv', {columns: ['c', 'a']}).featureNames, ['c', 'a']);
  t.deepEqual(csvTextToDataset(text, 'species', 'iris.csv', {drop: ['id']}).featureNames, ['a', 'b', 'c']);
  t.deepEqual(
    Array.from(csvTextToDataset(text, 'species', 'iris.csv', {columns: ['a', 'b', 'id'], drop: ['id']}).values),
    [1, 2, 4, 5],
  );
  t.is(
    t.throws(() => csvTextToDataset(text, 'species', 'iris.csv', {drop: ['ID', 'd']}))?.message,
    "iris.csv:1: --drop: no column named 'ID', 'd' (columns: id, a, b, c, species) (name columns of the header)",
  );
  t.is(
    t.throws(() => csvTextToDataset(text, 'species', 'iris.csv', {columns: ['e'], setIn: 'experiment'}))?.message,
    "iris.csv:1: dataset.columns: no column named 'e' (columns: id, a, b, c, species) (name columns of the header)",
  );
  t.is(
    t.throws(() => csvTextToDataset(text, 'species', 'iris.csv', {columns: ['a', 'species']}))?.message,
    "iris.csv:1: --columns: 'species' is the target, not a feature (leave it out of --columns)",
  );
});

test("a blank header name is pandas' 'Unnamed: N', so it can be dropped by name", (t) => {
  const data = csvTextToDataset(',a,species\n0,1,x\n1,2,z\n', 'species', 'iris.csv', {drop: ['Unnamed: 0']});
  t.deepEqual(data.featureNames, ['a']);
});

test('missing feature values: refused with the choices, their rows dropped and counted, or kept as NaN to be filled', (t) => {
  const text = 'a,b,species\n1,2,x\n3,NA,z\n?,5,x\n6,7,z\n';
  t.is(
    t.throws(() => load(text))?.message,
    "iris.csv:3:2: b: 'NA' marks a missing value (pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell)",
  );
  t.is(
    t.throws(() => load(text.replace('NA', 'oops')))?.message,
    "iris.csv:3:2: b: 'oops' is not a number (the rows above hold numbers here: fix the cell (a column whose first value is a word is read as text, as categories))",
  );
  const dropped = loadCsvDatasetCounted(join(folderWith({'d.csv': text}), 'd.csv'), 'species', 'd.csv', {
    missing: 'drop',
  });
  t.is(dropped.dropped, 2);
  t.deepEqual(Array.from(dropped.data.values), [1, 2, 6, 7]);
  t.deepEqual(Array.from(dropped.data.labels), [0, 1]);
  const kept = csvTextToDataset(text, 'species', 'iris.csv', {missing: 'keep'});
  t.is(kept.rows, 4);
  t.deepEqual(
    Array.from(kept.values).map((v) => (Number.isNaN(v) ? 'NaN' : v)),
    [1, 2, 3, 'NaN', 'NaN', 5, 6, 7],
  );
});
