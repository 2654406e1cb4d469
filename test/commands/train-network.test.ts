import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {loadCsvDataset, loadCsvForModel} from '../../src/data/csv.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {openModel, sealModel} from '../../src/files/model-envelope.js';
import {predictClasses} from '../../src/network/predict.js';
import {decodeNetworkModel} from '../../src/network/model-file.js';
import {DEFAULT_NETWORK} from '../../src/network/spec.js';
import {standardisationOf, standardise} from '../../src/network/standardise.js';
import {trainNetwork} from '../../src/network/train-here.js';
import {cluster} from '../helpers/cli.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';

// Debian's python3-sklearn (1.2.1), as test/network/sklearn-parity.test.ts uses it.
const PYTHON = '/usr/bin/python3';
const REFERENCE = fileURLToPath(new URL('../../../test/network/python/csv_reference.py', import.meta.url));

/** A CSV of a seeded synthetic data set with string classes; every `missingEvery`th cell of column b is NA. */
function csvOf(samples: number, seed: number, missingEvery = 0): string {
  const data = makeClassification({samples, features: 6, informative: 4, classes: 3, seed});
  const names = ['red', 'green', 'blue'];
  const lines = ['a,b,c,d,e,f,colour'];
  for (let r = 0; r < data.rows; r++) {
    const cells = [...data.values.subarray(r * 6, r * 6 + 6)].map((v) => v.toFixed(4));
    if (missingEvery > 0 && r % missingEvery === 0) cells[1] = 'NA';
    lines.push(`${cells.join(',')},${names[data.labels[r]]}`);
  }
  return `${lines.join('\n')}\n`;
}

const network = ['train', '--workload', 'network', '--target', 'colour', '--layers', '8', '--epochs', '3'];

test("digits: train --workload network locally and across two hosts, the same file; predict gives the in-memory model's classes; accuracy as scikit-learn's", async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS});
  const reference = await execa(PYTHON, [REFERENCE, 'digits', '30', '128', '200', '0', folder]);
  const sklearn = JSON.parse(reference.stdout).sklearn_accuracy as number;
  const args = ['train', '--workload', 'network', '--data', 'train.csv', '--test', 'test.csv', '--target', 'label'];
  const settings = ['--layers', '128', '--epochs', '30'];
  // Two threads here, one a host across hosts: the same weights.
  const local = await cluster([...args, ...settings, '--cores', '2', '--out', 'local.bin', '--json'], folder);
  t.is(local.exitCode, 0, local.stderr);
  const summary = JSON.parse(local.stdout);
  t.like(summary, {
    workload: 'network',
    shape: [64, 128, 10],
    rows: 1347,
    testRows: 450,
    model: 'local.bin',
    faults: [],
  });
  t.like(summary.network, {layers: [128], epochs: 30, optimizer: 'adam', seed: 0, split: 'proportional'});
  t.true(summary.fitSeconds > 0 && summary.rowsPerSecond > 0);
  t.log(`digits: ours ${summary.testAccuracy.toFixed(4)}, scikit-learn ${sklearn.toFixed(4)}`);
  t.true(Math.abs(summary.testAccuracy - sklearn) <= 0.02, `ours ${summary.testAccuracy}, scikit-learn ${sklearn}`);

  // The same network trained in this process from the same CSV: the same weights, bit for bit.
  const train = loadCsvDataset(join(folder, 'train.csv'), 'label');
  const scaling = standardisationOf(train);
  const trained = trainNetwork({...DEFAULT_NETWORK, layers: [128], epochs: 30}, standardise(train, scaling));
  t.is(summary.weightsHash, trained.weightsHash);

  const across = await cluster(
    [...args, ...settings, '--inventory', 'inventory.yaml', '--hosts', 'local-a,local-b', '--out', 'hosts.bin'],
    folder,
  );
  t.is(across.exitCode, 0, across.stderr);
  const accuracy = summary.testAccuracy.toFixed(4);
  t.regex(
    across.stdout,
    new RegExp(
      `^Trained a network 64-128-10 \\(adam, 30 epochs\\) on 1347 rows x 64 features, 10 classes, on local-a, local-b\\.\\nFit \\d+\\.\\d{3} s, \\d+ rows/s\\.\\nTest accuracy ${accuracy} on 450 rows\\.\\nConfusion matrix on the 450 test rows \\(a row per true class, a column per predicted class\\):\\n(?: +\\d+)+\\n(?: +\\d+(?: +\\d+){10}\\n){10}Model saved to hosts\\.bin\\.\\n$`,
    ),
  );
  t.deepEqual(readFileSync(join(folder, 'hosts.bin')), readFileSync(join(folder, 'local.bin')));
  // Summed by the hosts in a ring, split equally: the same weights.
  const ring = await cluster(
    [
      ...args,
      ...settings,
      '--inventory',
      'inventory.yaml',
      '--hosts',
      'local-a,local-b',
      '--reduce',
      'ring',
      '--split',
      'equal',
      '--out',
      'ring.bin',
      '--json',
    ],
    folder,
  );
  t.is(ring.exitCode, 0, ring.stderr);
  t.like(JSON.parse(ring.stdout), {weightsHash: summary.weightsHash, network: {reduce: 'ring', split: 'equal'}});

  const predicted = await cluster(['predict', '--model', 'hosts.bin', '--data', 'test.csv', '--out', 'p.csv'], folder);
  t.is(predicted.exitCode, 0, predicted.stderr);
  t.is(predicted.stdout, `Wrote 450 predictions to p.csv.\nAccuracy ${accuracy} on 450 rows (column label).\n`);
  const held = loadCsvForModel(join(folder, 'test.csv'), {...train, target: 'label'}, {blankLabels: false});
  const x = standardise({rows: held.rows, features: train.features, values: held.values}, scaling).values;
  const expected = predictClasses(trained.parameters, trained.shape, 'relu', x, held.rows);
  t.deepEqual(readFileSync(join(folder, 'p.csv'), 'utf8').trim().split('\n'), [
    'prediction',
    ...Array.from(expected, (c) => train.classes[c]),
  ]);
});

test('the same seed gives the same model file; another seed another', async (t) => {
  const folder = folderWith({'d.csv': csvOf(300, 1)});
  const hashes: string[] = [];
  for (const [seed, out] of [
    ['4', 'one.bin'],
    ['4', 'two.bin'],
    ['5', 'three.bin'],
  ]) {
    const result = await cluster([...network, '--data', 'd.csv', '--seed', seed, '--out', out, '--json'], folder);
    t.is(result.exitCode, 0, result.stderr);
    hashes.push(JSON.parse(result.stdout).weightsHash);
  }
  t.is(hashes[0], hashes[1]);
  t.not(hashes[0], hashes[2]);
  t.deepEqual(readFileSync(join(folder, 'one.bin')), readFileSync(join(folder, 'two.bin')));
  t.notDeepEqual(readFileSync(join(folder, 'one.bin')), readFileSync(join(folder, 'three.bin')));
});

test('--missing mean: the network model keeps the fill values, and predict fills as train did', async (t) => {
  const folder = folderWith({'d.csv': csvOf(300, 1, 7), 'new.csv': csvOf(100, 2, 5)});
  const trained = await cluster([...network, '--data', 'd.csv', '--missing', 'mean'], folder);
  t.is(trained.exitCode, 0, trained.stderr);
  t.regex(trained.stderr, /^Warning: filled 43 missing values with the training rows' mean of their column/);
  const {info} = decodeNetworkModel(readFileSync(join(folder, 'model.bin')), 'model.bin');
  t.is(info.fill?.length, 6);
  // The same rows with each NA written as the model's fill value: the same predictions.
  const filled = readFileSync(join(folder, 'new.csv'), 'utf8').replaceAll('NA', String(info.fill![1]));
  writeFileSync(join(folder, 'filled.csv'), filled);
  const gaps = await cluster(['predict', '--model', 'model.bin', '--data', 'new.csv'], folder);
  t.is(gaps.exitCode, 0, gaps.stderr);
  t.regex(gaps.stderr, /^Warning: filled 20 missing values with the values the model was trained with/);
  const full = await cluster(['predict', '--model', 'model.bin', '--data', 'filled.csv'], folder);
  t.is(full.exitCode, 0, full.stderr);
  t.is(gaps.stdout, full.stdout);
  t.is(gaps.stdout.trim().split('\n').length, 100);

  // Columns by name, as a forest's: in another order with one more, the same; one missing, refused.
  const rows = filled
    .trim()
    .split('\n')
    .map((line) => line.split(','));
  const reordered = rows.map((cells, i) => [i === 0 ? 'note' : 'x', ...cells.slice().reverse()].join(','));
  writeFileSync(join(folder, 'reordered.csv'), `${reordered.join('\n')}\n`);
  const shuffled = await cluster(['predict', '--model', 'model.bin', '--data', 'reordered.csv'], folder);
  t.is(shuffled.exitCode, 0, shuffled.stderr);
  t.is(shuffled.stdout, full.stdout);
  writeFileSync(join(folder, 'short.csv'), `${rows.map((cells) => cells.slice(1).join(',')).join('\n')}\n`);
  const short = await cluster(['predict', '--model', 'model.bin', '--data', 'short.csv'], folder);
  t.is(
    short.stderr,
    'Error: short.csv:1: missing feature column(s) a (the file needs the columns the model was trained on)\n',
  );
  t.is(short.exitCode, 2);
});

const refuses = test.macro(async (t, args: string[], message: string) => {
  const folder = folderWith({'d.csv': csvOf(60, 1)});
  const result = await cluster(args, folder);
  t.is(result.stderr, `Error: ${message}\n`);
  t.is(result.exitCode, 2);
  t.false(existsSync(join(folder, 'model.bin')));
});

const asNetwork = ['train', '--workload', 'network', '--target', 'colour', '--data', 'd.csv'];
const asForest = ['train', '--data', 'd.csv', '--target', 'colour', '--trees', '3', '--cores', '1'];
const LAYERS_FIX = 'hidden layer sizes, comma-separated, each a whole number from 1 to 8192: e.g. 256,128';
for (const [what, args, message] of [
  [
    'a layer size that is not a number',
    [...asNetwork, '--layers', '256,x'],
    `--layers: 'x' is not a whole number of units (${LAYERS_FIX})`,
  ],
  [
    'an empty layer size',
    [...asNetwork, '--layers', '256,,128'],
    `--layers: '256,,128' has an empty layer size (${LAYERS_FIX})`,
  ],
  ['a layer of no units', [...asNetwork, '--layers', '16,0'], `--layers: layer 2 has 0 units (${LAYERS_FIX})`],
  [
    'a layer too wide',
    [...asNetwork, '--layers', '9000'],
    '--layers: layer 1 has 9000 units, more than 8192 (units of a hidden layer; wider layers need more memory than a Pi has)',
  ],
  [
    '17 layers',
    [...asNetwork, '--layers', Array(17).fill('4').join(',')],
    '--layers: 17 layers, more than 16 (use at most 16)',
  ],
  [
    'a learning rate of 0',
    [...asNetwork, '--learning-rate', '0'],
    "--learning-rate: must be a number above 0 up to 10, got '0' (e.g. 0.001)",
  ],
  [
    'a learning rate in words',
    [...asNetwork, '--learning-rate', 'fast'],
    "--learning-rate: must be a number above 0 up to 10, got 'fast' (e.g. 0.001)",
  ],
  [
    'a momentum of 1',
    [...asNetwork, '--momentum', '1'],
    "--momentum: must be a number from 0 up to 1, got '1' (e.g. 0.9)",
  ],
  [
    'a negative alpha',
    [...asNetwork, '--alpha', '-1'],
    "--alpha: must be a number from 0 up to 10, got '-1' (e.g. 0.0001)",
  ],
  [
    'no epochs',
    [...asNetwork, '--epochs', '0'],
    '--epochs: Expected an integer greater than or equal to 1 but received: 0 (see: cluster train --help)',
  ],
  [
    '--trees with a network',
    [...asNetwork, '--trees', '5'],
    "--trees: a forest's setting, and --workload network trains a network (leave --trees out, or train a forest with --workload forest)",
  ],
  [
    '--max-depth with a network',
    [...asNetwork, '--max-depth', '3'],
    "--max-depth: a forest's setting, and --workload network trains a network (leave --max-depth out, or train a forest with --workload forest)",
  ],
  // Given as its default is given all the same.
  [
    '--trainer with a network',
    [...asNetwork, '--trainer', 'native'],
    "--trainer: a forest's setting, and --workload network trains a network (leave --trainer out, or train a forest with --workload forest)",
  ],
  [
    '--layers with a forest',
    [...asForest, '--layers', '8'],
    "--layers: a network's setting, and this trains a forest (add --workload network, or leave --layers out)",
  ],
  [
    '--epochs with a forest',
    [...asForest, '--epochs', '3'],
    "--epochs: a network's setting, and this trains a forest (add --workload network, or leave --epochs out)",
  ],
  [
    '--optimizer with --workload forest',
    [...asForest, '--workload', 'forest', '--optimizer', 'sgd'],
    "--optimizer: a network's setting, and this trains a forest (add --workload network, or leave --optimizer out)",
  ],
  [
    'an unknown workload',
    [...asForest, '--workload', 'tree'],
    'Expected --workload=tree to be one of: forest, network (see: cluster train --help)',
  ],
] as const) {
  test(`train refuses ${what}, exit 2`, refuses, [...args], message);
}

/** A small network's model file, trained once for the tests of damaged files. */
const small = (async () => {
  const folder = folderWith({'d.csv': csvOf(200, 3)});
  const result = await cluster([...network, '--data', 'd.csv', '--out', 'net.bin'], folder);
  if (result.exitCode !== 0) throw new Error(result.stderr);
  return readFileSync(join(folder, 'net.bin'));
})();

/** The file with its header changed, sealed again with a true SHA-256: only the checks of its content can tell. */
function resealed(bytes: Buffer, change: (header: Record<string, unknown>) => Record<string, unknown>): Buffer {
  const envelope = openModel(bytes, 'm.bin');
  return sealModel(change(envelope.header) as {kind: string}, [envelope.body]);
}

const damaged = test.macro(async (t, change: (bytes: Buffer) => Buffer, message: string) => {
  const folder = folderWith({'d.csv': csvOf(20, 3), 'bad.bin': change(Buffer.from(await small))});
  const result = await cluster(['predict', '--model', 'bad.bin', '--data', 'd.csv'], folder);
  t.is(result.stderr, `Error: ${message}\n`);
  t.is(result.exitCode, 2);
  t.is(result.stdout, '');
});

// The network 6-8-3 has 6 x 8 + 8 + 8 x 3 + 3 = 83 parameters: 664 bytes of weights.
for (const [what, change, message] of [
  [
    'truncated in its weights',
    (bytes: Buffer) => bytes.subarray(0, bytes.length - 8),
    'bad.bin: the model file is truncated (it holds 656 bytes of weights; a network 6-8-3 has 664) (pass a file written by cluster train --out)',
  ],
  [
    'truncated in its header',
    (bytes: Buffer) => bytes.subarray(0, 60),
    'bad.bin: the model file is truncated (pass a file written by cluster train --out)',
  ],
  [
    'with a weight changed',
    (bytes: Buffer) => {
      bytes[bytes.length - 20] ^= 0x01;
      return bytes;
    },
    'bad.bin: the model file is damaged (its SHA-256 does not match its content) (pass a file written by cluster train --out)',
  ],
  [
    'of a kind this version does not know',
    (bytes: Buffer) => resealed(bytes, (header) => ({...header, kind: 'booster'})),
    'bad.bin: the model file holds a model of kind "booster", which this version of cluster does not know (it reads forest and network) (upgrade cluster to read it, or pass a file written by cluster train --out)',
  ],
  [
    'of a later format version',
    (bytes: Buffer) => {
      bytes.writeUInt32LE(4, 4);
      return bytes;
    },
    'bad.bin: model format version 4 is newer than this version of cluster reads (1 to 3) (upgrade cluster to read it, or train the model again with this version)',
  ],
  [
    'whose header names another shape',
    (bytes: Buffer) =>
      resealed(bytes, (header) => ({...header, network: {...(header.network as object), layers: [4]}})),
    "bad.bin: the header's shape 6-8-3 is not that of its 6 features, layers and 3 classes (6-4-3): it is damaged (pass a file written by cluster train --out)",
  ],
] as const) {
  test(`predict refuses a network model file ${what}, exit 2`, damaged, change, message);
}
