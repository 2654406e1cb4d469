import test from 'ava';
import {InputError} from '../../src/errors.js';
import {DEFAULT_NETWORK} from '../../src/network/spec.js';
import {checkWorkloadFlags, networkOf, parseLayers} from '../../src/train/network-flags.js';

test('no network flags: scikit-learn defaults, as an experiment without network:, and the shared seed', (t) => {
  t.deepEqual(networkOf({}, 7), {...DEFAULT_NETWORK, seed: 7});
});

test('the flags as typed become the spec', (t) => {
  t.deepEqual(
    networkOf(
      {
        layers: '64, 32',
        activation: 'tanh',
        epochs: 5,
        batchSize: 50,
        learningRate: '1e-2',
        optimizer: 'sgd',
        momentum: '0',
        alpha: '0',
        split: 'equal',
      },
      0,
    ),
    {
      layers: [64, 32],
      activation: 'tanh',
      epochs: 5,
      batchSize: 50,
      learningRate: 0.01,
      optimizer: 'sgd',
      momentum: 0,
      alpha: 0,
      seed: 0,
      split: 'equal',
      reduce: 'central',
    },
  );
});

const layers = test.macro((t, text: string, expected: number[] | string) => {
  if (Array.isArray(expected)) t.deepEqual(parseLayers(text), expected);
  else t.is(t.throws(() => parseLayers(text), {instanceOf: InputError})?.message, `--layers: ${expected}`);
});
test('one layer', layers, '100', [100]);
test('the bound', layers, '8192,1', [8192, 1]);
test(
  'a sign is not a size',
  layers,
  '+4',
  "'+4' is not a whole number of units (hidden layer sizes, comma-separated, each a whole number from 1 to 8192: e.g. 256,128)",
);
test(
  'a fraction',
  layers,
  '2.5',
  "'2.5' is not a whole number of units (hidden layer sizes, comma-separated, each a whole number from 1 to 8192: e.g. 256,128)",
);
test(
  'a trailing comma',
  layers,
  '8,',
  "'8,' has an empty layer size (hidden layer sizes, comma-separated, each a whole number from 1 to 8192: e.g. 256,128)",
);

test('the numbers out of their ranges, or not decimal', (t) => {
  for (const [flags, message] of [
    [{learningRate: '11'}, "--learning-rate: must be a number above 0 up to 10, got '11' (e.g. 0.001)"],
    [{learningRate: '0x1'}, "--learning-rate: must be a number above 0 up to 10, got '0x1' (e.g. 0.001)"],
    [{momentum: '-0.1'}, "--momentum: must be a number from 0 up to 1, got '-0.1' (e.g. 0.9)"],
    [{alpha: 'NaN'}, "--alpha: must be a number from 0 up to 10, got 'NaN' (e.g. 0.0001)"],
    [
      {epochs: 100_001},
      '--epochs: must be a whole number from 1 to 100000, got 100001 (passes over the training rows)',
    ],
  ] as const)
    t.is(t.throws(() => networkOf(flags, 0), {instanceOf: InputError})?.message, message);
});

test("a flag of the other workload is refused; the workload's own pass", (t) => {
  t.notThrows(() => checkWorkloadFlags('forest', ['data', 'trees', 'seed', 'hosts']));
  t.notThrows(() => checkWorkloadFlags('network', ['data', 'layers', 'seed', 'hosts', 'workload']));
  t.regex(t.throws(() => checkWorkloadFlags('network', ['criterion']))!.message, /^--criterion: a forest's setting/);
  t.regex(t.throws(() => checkWorkloadFlags('forest', ['batch-size']))!.message, /^--batch-size: a network's setting/);
});
