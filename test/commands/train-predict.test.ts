import {execFileSync} from 'node:child_process';
import {existsSync, lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import test from 'ava';
import {makeClassification} from '../../src/data/synthetic.js';
import {cluster} from '../helpers/cli.js';
import {LIMITS} from '../../src/limits.js';
import {folderWith} from '../helpers/files.js';

/** A CSV of a seeded synthetic data set with string classes. */
function csvOf(samples: number, seed: number): string {
  const data = makeClassification({samples, features: 6, informative: 4, classes: 3, seed});
  const names = ['red', 'green', 'blue'];
  const lines = ['a,b,c,d,e,f,colour'];
  for (let r = 0; r < data.rows; r++)
    lines.push(
      [...data.values.subarray(r * 6, r * 6 + 6)].map((v) => v.toFixed(4)).join(',') + `,${names[data.labels[r]]}`,
    );
  return `${lines.join('\n')}\n`;
}

test('train saves a model that predict reads; the same seed gives the same model on one slot or two', async (t) => {
  const folder = folderWith({'train.csv': csvOf(600, 1), 'new.csv': csvOf(200, 2)});
  const one = await cluster(
    [
      'train',
      '--data',
      'train.csv',
      '--target',
      'colour',
      '--trees',
      '20',
      '--cores',
      '1',
      '--out',
      'one.bin',
      '--json',
    ],
    folder,
  );
  t.is(one.exitCode, 0, one.stderr);
  const summary = JSON.parse(one.stdout);
  for (const key of ['fitSeconds', 'treesPerSecond', 'testAccuracy', 'trees', 'classes']) t.true(key in summary, key);
  t.deepEqual(summary.classes, ['blue', 'green', 'red']);
  t.is(summary.trees, 20);
  t.true(summary.testAccuracy > 0.7, `accuracy ${summary.testAccuracy}`);

  const two = await cluster(
    ['train', '--data', 'train.csv', '--target', 'colour', '--trees', '20', '--cores', '2', '--out', 'two.bin'],
    folder,
  );
  t.is(two.exitCode, 0, two.stderr);
  t.regex(
    two.stdout,
    /^Trained 20 trees \(native\) on 450 rows x 6 features, 3 classes, on local \(2 slots\)\.\nFit \d+\.\d+ s, \d+\.\d trees\/s\.\nFeature importances \(mean decrease in impurity, summing to 1; 6 features\):\n( {2}\S+ +0\.\d{4}\n){6}Test accuracy 0\.\d{4} on 150 rows\.\nConfusion matrix on the 150 test rows \(a row per true class, a column per predicted class\):\n( {2}.*\n){4}Model saved to two\.bin\.\n$/,
  );
  t.deepEqual(readFileSync(join(folder, 'one.bin')), readFileSync(join(folder, 'two.bin')));

  const predicted = await cluster(['predict', '--model', 'one.bin', '--data', 'new.csv', '--out', 'p.csv'], folder);
  t.is(predicted.exitCode, 0, predicted.stderr);
  t.regex(predicted.stdout, /^Wrote 200 predictions to p\.csv\.\nAccuracy 0\.\d{4} on 200 rows \(column colour\)\.\n$/);
  const lines = readFileSync(join(folder, 'p.csv'), 'utf8').trim().split('\n');
  t.is(lines[0], 'prediction');
  t.is(lines.length, 201);
  t.true(lines.slice(1).every((line) => ['red', 'green', 'blue'].includes(line)));
});

test('predict without --out prints one prediction a line, and needs no target column', async (t) => {
  const rows = csvOf(100, 3)
    .split('\n')
    .map((line) => line.split(',').slice(0, 6).join(','))
    .join('\n');
  const folder = folderWith({'train.csv': csvOf(300, 1), 'new.csv': rows});
  t.is(
    (await cluster(['train', '--data', 'train.csv', '--target', 'colour', '--trees', '5', '--cores', '1'], folder))
      .exitCode,
    0,
  );
  const result = await cluster(['predict', '--model', 'model.bin', '--data', 'new.csv'], folder);
  t.is(result.exitCode, 0, result.stderr);
  t.is(result.stdout.trim().split('\n').length, 100);
  t.is(result.stderr, '');

  // Rows whose target cell is blank are predicted; the accuracy is over the labelled ones.
  const labelled = csvOf(100, 3).split('\n').filter(Boolean);
  const partly = [
    labelled[0],
    ...labelled.slice(1).map((line, i) => (i % 2 ? line.replace(/,[^,]*$/, ',') : line)),
  ].join('\n');
  writeFileSync(join(folder, 'partly.csv'), `${partly}\n`);
  const mixed = await cluster(['predict', '--model', 'model.bin', '--data', 'partly.csv'], folder);
  t.is(mixed.exitCode, 0, mixed.stderr);
  t.is(mixed.stdout.trim().split('\n').length, labelled.length - 1);
  t.regex(mixed.stderr, /^Accuracy \d\.\d{4} on \d+ labelled rows \(column colour\)\.\n$/);

  // The same model in format 1 (before the SHA-256): the same predictions, and a warning that it is unchecked.
  const model = readFileSync(join(folder, 'model.bin'));
  const old = Buffer.concat([model.subarray(0, 8), model.subarray(8 + 32)]);
  old.writeUInt32LE(1, 4);
  writeFileSync(join(folder, 'old.bin'), old);
  const unchecked = await cluster(['predict', '--model', 'old.bin', '--data', 'new.csv'], folder);
  t.is(unchecked.exitCode, 0, unchecked.stderr);
  t.is(unchecked.stdout, result.stdout);
  t.is(
    unchecked.stderr,
    'Warning: old.bin: written by an earlier version, without a SHA-256: damage to it, or a header edited apart from its trees, cannot be detected (train it again to get a checked model file)\n',
  );
});

test('a separate test file', async (t) => {
  const folder = folderWith({'train.csv': csvOf(400, 1), 'test.csv': csvOf(100, 9)});
  const result = await cluster(
    [
      'train',
      '--data',
      'train.csv',
      '--test',
      'test.csv',
      '--target',
      'colour',
      '--trees',
      '10',
      '--cores',
      '1',
      '--json',
    ],
    folder,
  );
  t.is(result.exitCode, 0, result.stderr);
  t.is(JSON.parse(result.stdout).testRows, 100);
});

const refuses = test.macro(async (t, files: Record<string, string | Uint8Array>, args: string[], message: string) => {
  const folder = folderWith(files);
  const result = await cluster(args, folder);
  t.is(result.stderr, `Error: ${message}\n`);
  t.is(result.exitCode, 2);
  t.false(existsSync(join(folder, 'model.bin')));
});

const train = ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1'];
test(
  'train: a column name with a line break is quoted on one line',
  refuses,
  {'d.csv': '"a\nb",y\n1,x\nfoo,z\n'},
  train,
  "d.csv:4:1: a\\nb: 'foo' is not a number (the rows above hold numbers here: fix the cell (a column whose first value is a word is read as text, as categories))",
);
test(
  'train: NaN cell',
  refuses,
  {'d.csv': 'a,y\n1,x\nNaN,z\n'},
  train,
  "d.csv:3:1: a: 'NaN' marks a missing value (pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell)",
);
test(
  'train: empty cell',
  refuses,
  {'d.csv': 'a,b,y\n1,2,x\n3,,z\n'},
  train,
  'd.csv:3:2: b: empty cell (pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell)',
);
test(
  'train: non-numeric cell',
  refuses,
  {'d.csv': 'a,y\n1,x\nfoo,z\n'},
  train,
  "d.csv:3:1: a: 'foo' is not a number (the rows above hold numbers here: fix the cell (a column whose first value is a word is read as text, as categories))",
);
test(
  'train: a single class',
  refuses,
  {'d.csv': 'a,y\n1,x\n2,x\n3,x\n4,x\n5,x\n'},
  train,
  "d.csv: y: only one class ('x') among the training rows (a classifier needs rows of at least two classes)",
);
test(
  'train: target column missing',
  refuses,
  {'d.csv': 'a,b\n1,2\n'},
  train,
  "d.csv:1: y: no column named 'y' (columns: a, b) (set the target to one of the header names)",
);
test(
  'train: too few rows',
  refuses,
  {'d.csv': 'a,y\n1,x\n2,z\n'},
  [...train, '--test-fraction', '0.5'],
  'd.csv: only 1 training row (a tree needs at least 2 rows to split)',
);
test(
  'train: bad --max-features',
  refuses,
  {'d.csv': 'a,y\n1,x\n2,z\n'},
  [...train, '--max-features', 'most'],
  "--max-features: unknown maxFeatures 'most' (use sqrt, log2, a whole number of features such as 3, or a fraction with a decimal point in (0, 1] such as 0.5 (1.0 is every feature, 1 is one))",
);
test(
  'train: --max-features 2.0 is not taken for 2',
  refuses,
  {'d.csv': 'a,y\n1,x\n2,z\n'},
  [...train, '--max-features', '2.0'],
  '--max-features: maxFeatures 2.0 has a decimal point, so it is a fraction of the features, and fractions must be in (0, 1] (use sqrt, log2, a whole number of features such as 3, or a fraction with a decimal point in (0, 1] such as 0.5 (1.0 is every feature, 1 is one))',
);
test('train: data file missing', refuses, {}, train, 'd.csv: data file not found (check the path)');
test(
  'train: test file without the target',
  refuses,
  {'d.csv': 'a,y\n1,x\n2,z\n3,x\n', 't.csv': 'a\n1\n'},
  [...train, '--test', 't.csv'],
  "t.csv:1: y: no column named 'y' (the test file needs the target column to measure accuracy)",
);
test(
  'predict: model missing',
  refuses,
  {'d.csv': 'a\n1\n'},
  ['predict', '--model', 'model.bin', '--data', 'd.csv'],
  'model.bin: model file not found (train one with cluster train --out FILE)',
);
test(
  'predict: not a model',
  refuses,
  {'m.bin': 'hello', 'd.csv': 'a\n1\n'},
  ['predict', '--model', 'm.bin', '--data', 'd.csv'],
  'm.bin: not a cluster model file (pass a file written by cluster train --out)',
);

test(
  "train: --cores past 4x this machine's CPUs",
  refuses,
  {'d.csv': 'a,y\n1,x\n2,z\n'},
  ['train', '--data', 'd.csv', '--target', 'y', '--cores', '100000'],
  `--cores: must be at most ${LIMITS.localCores}, got 100000 (4 x the ${LIMITS.localCores / 4} CPUs of this machine; more slots only queue trees)`,
);
test(
  'train: a billion trees',
  refuses,
  {'d.csv': 'a,y\n1,x\n2,z\n'},
  ['train', '--data', 'd.csv', '--target', 'y', '--trees', '1000000000'],
  '--trees: Expected an integer less than or equal to 100000 but received: 1000000000 (see: cluster train --help)',
);
test(
  'train: a file that is not UTF-8',
  refuses,
  {'d.csv': Buffer.from('a,y\n1,x\n2,n\xf6\n3,x\n', 'latin1')},
  train,
  'd.csv:3: byte 0xf6 at byte 4 of the line is not UTF-8 (save the file as UTF-8)',
);

// An empty --out (a script's unset variable) trained first and failed at the save; predict took it for stdout.
test(
  'train: an empty --out, before the fit',
  refuses,
  {'d.csv': csvOf(60, 1)},
  ['train', '--data', 'd.csv', '--target', 'colour', '--trees', '3', '--cores', '1', '--out', ''],
  '--out is empty: give it a value, or leave the flag out (see: cluster train --help)',
);
test(
  'predict: an empty --out',
  refuses,
  {'d.csv': 'a\n1\n'},
  ['predict', '--model', 'm.bin', '--data', 'd.csv', '--out', ''],
  '--out is empty: give it a value, or leave the flag out (see: cluster predict --help)',
);

// The advice was 'mv /tmp/cluster-model-....model /dev/full': as root, that replaces the device node.
for (const out of ['/dev/full', 'full.model']) {
  test(`train --out ${out} (${out === '/dev/full' ? 'a device' : 'a link to /dev/full'}): the kept model is named, and no mv onto the device is advised`, async (t) => {
    const folder = folderWith({'train.csv': csvOf(200, 1)});
    symlinkSync('/dev/full', join(folder, 'full.model'));
    const trained = await cluster(
      ['train', '--data', 'train.csv', '--target', 'colour', '--trees', '3', '--cores', '1', '--out', out],
      folder,
    );
    t.is(trained.exitCode, 2);
    const kept = new RegExp(
      `^Error: ${out}: cannot write the model \\(ENOSPC\\); the trained model was kept in (\\S+) \\(${out} is a device, not a file to move it onto: use the kept model as it is, or move it to a file of your choosing, and give train another --out next time\\)\n$`,
    ).exec(trained.stderr)?.[1];
    t.truthy(kept, trained.stderr);
    t.true(lstatSync(join(folder, 'full.model')).isSymbolicLink(), 'the link is left as it was');
    const predicted = await cluster(['predict', '--model', kept!, '--data', 'train.csv'], folder);
    rmSync(dirname(kept!), {recursive: true});
    t.is(predicted.exitCode, 0, predicted.stderr);
  });
}

test('--out into a missing folder is refused before the fit, so no work is lost', async (t) => {
  const folder = folderWith({'train.csv': csvOf(200, 1)});
  const trained = await cluster(
    ['train', '--data', 'train.csv', '--target', 'colour', '--trees', '3', '--cores', '1', '--out', 'models/m.bin'],
    folder,
  );
  t.is(
    trained.stderr,
    "Error: --out: the folder of 'models/m.bin' does not exist (create models first, or choose another path)\n",
  );
  t.is(trained.stdout, '', 'nothing was trained');
  t.is(trained.exitCode, 2);
  const intoFolder = await cluster(
    ['train', '--data', 'train.csv', '--target', 'colour', '--trees', '3', '--cores', '1', '--out', '.'],
    folder,
  );
  t.is(intoFolder.stderr, "Error: --out: '.' is a folder (name a file in it)\n");
  t.is(
    (await cluster(['train', '--data', 'train.csv', '--target', 'colour', '--trees', '3', '--cores', '1'], folder))
      .exitCode,
    0,
  );
  const predicted = await cluster(
    ['predict', '--model', 'model.bin', '--data', 'train.csv', '--out', 'out/p.csv'],
    folder,
  );
  t.is(
    predicted.stderr,
    "Error: --out: the folder of 'out/p.csv' does not exist (create out first, or choose another path)\n",
  );
  t.is(predicted.exitCode, 2);
  const twice = await cluster(
    ['predict', '--model', join(folder, 'model.bin'), '--data', 'twice.csv'],
    folderWith({'twice.csv': 'a,b,c,d,e,f,a\n1,2,3,4,5,6,7\n'}),
  );
  t.is(
    twice.stderr,
    "Error: twice.csv:1:7: a: column 'a' appears twice (columns 1 and 7) (rename one of them: columns are read by name)\n",
  );
});

test("predict: a truncated model, and data without the model's columns", async (t) => {
  const folder = folderWith({'train.csv': csvOf(200, 1), 'other.csv': 'a,b\n1,2\n'});
  t.is(
    (await cluster(['train', '--data', 'train.csv', '--target', 'colour', '--trees', '3', '--cores', '1'], folder))
      .exitCode,
    0,
  );
  const bytes = readFileSync(join(folder, 'model.bin'));
  const cut = folderWith({'model.bin': bytes.subarray(0, bytes.length - 100)});
  const truncated = await cluster(
    ['predict', '--model', join(cut, 'model.bin'), '--data', join(folder, 'train.csv')],
    folder,
  );
  t.is(
    truncated.stderr,
    `Error: ${join(cut, 'model.bin')}: the model file is truncated (pass a file written by cluster train --out)\n`,
  );
  t.is(truncated.exitCode, 2);
  const columns = await cluster(['predict', '--model', 'model.bin', '--data', 'other.csv'], folder);
  t.is(
    columns.stderr,
    'Error: other.csv:1: missing feature column(s) c, d, e, f (the file needs the columns the model was trained on)\n',
  );
  t.is(columns.exitCode, 2);
});

test('a pipe named as --out or an export is refused before any work: the write would wait for a reader', async (t) => {
  const folder = folderWith({'d.csv': csvOf(120, 4), 'inventory.yaml': 'hosts:\n  local-a: { transport: local }\n'});
  execFileSync('mkfifo', [join(folder, 'fifo')]);
  const trained = await cluster(
    ['train', '--data', 'd.csv', '--target', 'colour', '--trees', '3', '--out', 'fifo'],
    folder,
  );
  t.is(trained.exitCode, 2);
  t.is(
    trained.stderr,
    "Error: --out: 'fifo' is a pipe (FIFO): writing to it would wait for a reader (name a file; a command can read it afterwards)\n",
  );
  const bench = await cluster(['bench', '--export-json', 'fifo'], folder);
  t.is(bench.exitCode, 2);
  t.is(
    bench.stderr,
    "Error: --export-json: 'fifo' is a pipe (FIFO): writing to it would wait for a reader (name a file; a command can read it afterwards)\n",
  );
});
