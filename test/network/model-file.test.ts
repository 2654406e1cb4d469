import {createHash} from 'node:crypto';
import test from 'ava';
import {makeClassification} from '../../src/data/synthetic.js';
import {InputError} from '../../src/errors.js';
import {openModel, sealModel} from '../../src/files/model-envelope.js';
import {decodeModel} from '../../src/forest/model-file.js';
import {predictClasses} from '../../src/network/predict.js';
import {
  decodeNetworkModel,
  encodeNetworkModel,
  predictNetwork,
  type SavedNetwork,
} from '../../src/network/model-file.js';
import {DEFAULT_NETWORK} from '../../src/network/spec.js';
import {standardisationOf, standardise} from '../../src/network/standardise.js';
import {trainNetwork} from '../../src/network/train-here.js';
import {weightsHash} from '../../src/network/weights.js';

const data = makeClassification({samples: 200, features: 5, informative: 3, classes: 3, seed: 2});
const spec = {...DEFAULT_NETWORK, layers: [6], epochs: 4};
const scaling = standardisationOf(data);
const trained = trainNetwork(spec, standardise(data, scaling));
const model: SavedNetwork = {
  network: spec,
  classes: data.classes,
  featureNames: data.featureNames,
  target: 'y',
  standardisation: {mean: [...scaling.mean], scale: [...scaling.scale]},
  parameters: trained.parameters,
};
const bytes = encodeNetworkModel(model);
// 5 x 6 + 6 + 6 x 3 + 3 parameters.
const WEIGHT_BYTES = 57 * 8;

test('a network model file round-trips: its weights bit for bit, and the predictions of the trained network', (t) => {
  const loaded = decodeNetworkModel(bytes, 'net.bin');
  t.deepEqual(loaded.shape.sizes, [5, 6, 3]);
  t.deepEqual(loaded.parameters, trained.parameters);
  t.is(weightsHash(loaded.parameters), trained.weightsHash);
  const {parameters: _parameters, ...info} = model;
  t.deepEqual(loaded.info, info);
  const expected = predictClasses(trained.parameters, trained.shape, 'relu', standardise(data, scaling).values, 200);
  t.deepEqual(predictNetwork(loaded, data.values, data.rows), expected);
});

test('the weights are the body as little-endian float64: its SHA-256 is the weights hash, on any machine', (t) => {
  const body = openModel(bytes, 'net.bin').body;
  t.is(body.length, WEIGHT_BYTES);
  t.is(body.readDoubleLE(0), trained.parameters[0]);
  t.is(body.readDoubleLE(WEIGHT_BYTES - 8), trained.parameters[56]);
  t.is(createHash('sha256').update(body).digest('hex'), trained.weightsHash);
  t.is(openModel(bytes, 'net.bin').kind, 'network');
  t.is(bytes.readUInt32LE(4), 3, 'format version 3');
});

const refuses = test.macro((t, file: Buffer, message: string) => {
  const error = t.throws(() => decodeNetworkModel(file, 'net.bin'), {instanceOf: InputError});
  t.is(error?.message, `net.bin: ${message}`);
});

/** The file with its header changed and sealed again, its SHA-256 true: the content checks must tell. */
const edited = (change: (header: Record<string, unknown>) => Record<string, unknown>, body?: Buffer) => {
  const envelope = openModel(bytes, 'net.bin');
  return sealModel(change({...envelope.header}) as {kind: string}, [body ?? envelope.body]);
};
const PASS = ' (pass a file written by cluster train --out)';

test('not a model', refuses, Buffer.from('a,b\n1,2\n'), `not a cluster model file${PASS}`);
test('cut in its header', refuses, bytes.subarray(0, 50), `the model file is truncated${PASS}`);
test(
  'cut in its weights',
  refuses,
  bytes.subarray(0, bytes.length - 3),
  `the model file is truncated (it holds ${WEIGHT_BYTES - 3} bytes of weights; a network 5-6-3 has ${WEIGHT_BYTES})${PASS}`,
);
test(
  'bytes past its weights',
  refuses,
  edited((header) => header, Buffer.concat([openModel(bytes, 'x').body, Buffer.alloc(8)])),
  `the model file holds 8 bytes past the weights of its network 5-6-3: it is damaged${PASS}`,
);
test(
  'a forest is not a network',
  refuses,
  edited((header) => ({...header, kind: 'forest'})),
  `the model file holds a forest, not a network${PASS}`,
);
test(
  'an unknown activation',
  refuses,
  edited((header) => ({...header, network: {...(header.network as object), activation: 'gelu'}})),
  `the model header is damaged (its network settings)${PASS}`,
);
test(
  'the shape of other columns',
  refuses,
  edited((header) => ({...header, featureNames: ['a', 'b', 'c', 'd']})),
  `the header's shape 5-6-3 is not that of its 4 features, layers and 3 classes (4-6-3): it is damaged${PASS}`,
);
test(
  'a scale of 0 (every prediction would be NaN)',
  refuses,
  edited((header) => ({...header, standardisation: {mean: model.standardisation.mean, scale: [1, 1, 0, 1, 1]}})),
  `the header's standardisation is not a mean and a positive scale per feature: it is damaged${PASS}`,
);
test(
  'one class',
  refuses,
  edited((header) => ({...header, classes: ['0']})),
  `the header names 1 classes (a classifier has at least 2): it is damaged${PASS}`,
);
test(
  'a later format version',
  refuses,
  Buffer.concat([Buffer.from('CLRF'), Buffer.from([4, 0, 0, 0]), bytes.subarray(8)]),
  'model format version 4 is newer than this version of cluster reads (1 to 3) (upgrade cluster to read it, or train the model again with this version)',
);

test('one bit flipped anywhere after the version is refused, never predicted from', (t) => {
  for (const at of [8, 30, 44, 60, bytes.length >> 1, bytes.length - WEIGHT_BYTES, bytes.length - 1]) {
    const flipped = Buffer.from(bytes);
    flipped[at] ^= 0x04;
    t.throws(
      () => decodeNetworkModel(flipped, 'net.bin'),
      {instanceOf: InputError, message: /^net\.bin: /},
      `at ${at}`,
    );
  }
});

test("a forest's reader refuses a network's file by its kind", (t) => {
  t.is(
    t.throws(() => decodeModel(bytes, 'net.bin'))?.message,
    `net.bin: the model file holds a network, not a forest${PASS}`,
  );
});
