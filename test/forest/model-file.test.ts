import {createHash} from 'node:crypto';
import test from 'ava';
import type {ForestSpec} from '../../src/forest/spec.js';
import {treeSeed} from '../../src/data/random.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {InputError} from '../../src/errors.js';
import {openModel} from '../../src/files/model-envelope.js';
import {decodeModel, encodeModel} from '../../src/forest/model-file.js';
import {binData} from '../../src/forest/native/binning.js';
import {nativeTrainer} from '../../src/forest/native/trainer.js';

const data = makeClassification({samples: 300, features: 6, informative: 3, classes: 2, seed: 1});
const forest: ForestSpec = {
  trees: 3,
  maxFeatures: 'sqrt',
  trainer: 'native',
  seed: 0,
  criterion: 'gini',
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
};
const prepared = nativeTrainer.prepare({...data, classes: 2}, binData(data, true));
const trees = Array.from({length: 3}, (_, i) => prepared({trainer: 'native', maxFeatures: 'sqrt'}, treeSeed(0, i)));
const bytes = encodeModel({forest, classes: data.classes, featureNames: data.featureNames, target: 'y', trees});

test('a model file round-trips and predicts as the trees do', (t) => {
  const {info, forest: loaded} = decodeModel(bytes, 'model.bin');
  t.deepEqual(info, {forest, classes: ['0', '1'], featureNames: data.featureNames, target: 'y'});
  t.is(loaded.size, 3);
  t.true(loaded.accuracy(data.values, data.features, data.labels) > 0.8);
});

const refuses = test.macro((t, file: Buffer, message: string) => {
  const error = t.throws(() => decodeModel(file, 'model.bin'), {instanceOf: InputError});
  t.is(error?.message, `model.bin: ${message} (pass a file written by cluster train --out)`);
});

test('not a model', refuses, Buffer.from('hardware,cores\n'), 'not a cluster model file');
test('an empty file', refuses, Buffer.alloc(0), 'not a cluster model file');
test('cut inside the header', refuses, bytes.subarray(0, 40), 'the model file is truncated');
test('cut inside a tree', refuses, bytes.subarray(0, bytes.length - 10), 'the model file is truncated');
test(
  'cut between trees',
  refuses,
  bytes.subarray(0, bytes.length - 4 - trees[2].length),
  'the model file holds 2 of its 3 trees: it is truncated',
);
test(
  'a damaged tree',
  refuses,
  Buffer.concat([bytes.subarray(0, bytes.length - trees[2].length), Buffer.alloc(trees[2].length, 7)]),
  'a tree is damaged (not a native tree)',
);

/** The model with its header edited and its trees left as they are. */
const edited = (change: Partial<{classes: string[]; featureNames: string[]}>) =>
  encodeModel({forest, classes: data.classes, featureNames: data.featureNames, target: 'y', trees, ...change});
const used = decodeModel(bytes, 'model.bin').forest.shape.features;

test(
  'the header names no classes (predictions would be empty, accuracy 1)',
  refuses,
  edited({classes: []}),
  'the header names 0 classes (a classifier has at least 2): it is damaged',
);
test(
  'the header names one class',
  refuses,
  edited({classes: ['0']}),
  'the header names 1 classes (a classifier has at least 2): it is damaged',
);
test(
  'the header names fewer features than the trees read',
  refuses,
  edited({featureNames: data.featureNames.slice(0, used - 1)}),
  `the trees read ${used} features but the header names ${used - 1}: it is damaged`,
);
test(
  'a feature named twice (predict would read one column for both)',
  refuses,
  edited({featureNames: [...data.featureNames.slice(0, -1), data.featureNames[0]]}),
  `the header's feature names are not distinct strings ("${data.featureNames[0]}"): it is damaged`,
);
test(
  'a class named twice',
  refuses,
  edited({classes: ['0', '0']}),
  'the header\'s class names are not distinct strings ("0"): it is damaged',
);
test('the trees vote for more classes than the header names', (t) => {
  const three = makeClassification({samples: 300, features: 6, informative: 3, classes: 3, seed: 1});
  const tree = nativeTrainer.prepare({...three, classes: 3}, binData(three, true))(
    {trainer: 'native', maxFeatures: 'sqrt'},
    treeSeed(0, 0),
  );
  const model = encodeModel({
    forest: {...forest, trees: 1},
    classes: ['0', '1'],
    featureNames: three.featureNames,
    target: 'y',
    trees: [tree],
  });
  t.is(
    t.throws(() => decodeModel(model, 'model.bin'))?.message,
    'model.bin: the trees vote for 3 classes but the header names 2: it is damaged (pass a file written by cluster train --out)',
  );
});

test('one bit flipped anywhere after the version is refused, not predicted from', (t) => {
  for (const at of [8, 20, 44, 60, bytes.length >> 1, bytes.length - 1]) {
    const flipped = Buffer.from(bytes);
    flipped[at] ^= 0x10;
    t.throws(
      () => decodeModel(flipped, 'model.bin'),
      {instanceOf: InputError, message: /^model\.bin: /},
      `bit flipped at byte ${at}`,
    );
  }
});

test('a model file of format version 1 (no SHA-256) is still read', (t) => {
  const digestless = Buffer.concat([bytes.subarray(0, 8), bytes.subarray(8 + 32)]);
  digestless.writeUInt32LE(1, 4);
  t.is(
    decodeModel(digestless, 'model.bin').forest.shape.features,
    decodeModel(bytes, 'model.bin').forest.shape.features,
  );
  // Its header cannot be vouched for (two feature names swapped pass every check): the user is told.
  t.is(
    decodeModel(digestless, 'model.bin').warning,
    'model.bin: written by an earlier version, without a SHA-256: damage to it, or a header edited apart from its trees, cannot be detected (train it again to get a checked model file)',
  );
  t.is(decodeModel(bytes, 'model.bin').warning, undefined);
});

test('fill values (train --missing mean or median) round-trip, one finite number per feature', (t) => {
  const fill = [0.5, -1, 2, 3, 4, 5];
  t.deepEqual(
    decodeModel(
      encodeModel({forest, classes: data.classes, featureNames: data.featureNames, target: 'y', trees, fill}),
      'm.bin',
    ).info.fill,
    fill,
  );
});
test(
  'fill values that are not one per feature',
  refuses,
  encodeModel({forest, classes: data.classes, featureNames: data.featureNames, target: 'y', trees, fill: [1, 2]}),
  "the header's fill values are not one number per feature: it is damaged",
);

test('a forest file of format version 2 (no kind: forests were all it held) is still read', (t) => {
  const envelope = openModel(bytes, 'model.bin');
  t.is(bytes.readUInt32LE(4), 3);
  t.is(envelope.header.kind, 'forest');
  // Version 2's header had no kind; its SHA-256 covers the same bytes after the version.
  const {kind: _kind, ...header} = envelope.header;
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const rest = Buffer.concat([length, json, envelope.body]);
  const head = Buffer.from('CLRF\x02\x00\x00\x00', 'latin1');
  const v2 = Buffer.concat([head, createHash('sha256').update(rest).digest(), rest]);
  const loaded = decodeModel(v2, 'model.bin');
  t.deepEqual(loaded.info, decodeModel(bytes, 'model.bin').info);
  t.is(loaded.warning, undefined);
});
