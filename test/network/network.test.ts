import test from 'ava';
import type {Dataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {splitChunks} from '../../src/network/batches.js';
import {chunkLimit, FIXED_POINT_SCALE, GradientComputer} from '../../src/network/gradient.js';
import {forward, initialParameters, Shape, Workspace} from '../../src/network/model.js';
import {predictClasses} from '../../src/network/predict.js';
import {DEFAULT_NETWORK, type NetworkSpec} from '../../src/network/spec.js';
import {standardisationOf, standardise} from '../../src/network/standardise.js';
import {trainNetwork} from '../../src/network/train-here.js';

const SMALL: NetworkSpec = {...DEFAULT_NETWORK, layers: [24, 12], epochs: 4, batchSize: 100};

function data(samples: number, seed: number): Dataset {
  const raw = makeClassification({samples, features: 8, informative: 5, classes: 3, seed});
  return standardise(raw, standardisationOf(raw));
}

function accuracy(spec: NetworkSpec, parameters: Float64Array, shape: Shape, rows: Dataset): number {
  const predicted = predictClasses(parameters, shape, spec.activation, rows.values, rows.rows);
  return predicted.reduce((sum, label, i) => sum + (label === rows.labels[i] ? 1 : 0), 0) / rows.rows;
}

for (const [name, spec] of [
  ['adam and relu', SMALL],
  ['sgd with momentum and tanh', {...SMALL, optimizer: 'sgd', activation: 'tanh', learningRate: 0.05}],
] as const) {
  test(`${name}: the same weights, bit for bit, whichever way each batch is divided among hosts`, (t) => {
    const train = data(730, 3);
    const alone = trainNetwork(spec, train, [1]);
    for (const shares of [
      [1, 1],
      [1, 1, 1],
      [3, 1, 0.5],
      [0.1, 5],
      [1, 0, 2],
    ]) {
      const spread = trainNetwork(spec, train, shares);
      t.is(spread.weightsHash, alone.weightsHash, `shares ${shares.join(', ')}`);
    }
    t.is(alone.clamped, 0);
  });
}

test('the network learns: the loss falls epoch by epoch and the training rows are mostly right', (t) => {
  const train = data(1200, 5);
  const trained = trainNetwork({...SMALL, epochs: 12, learningRate: 0.01}, train, [1, 2]);
  t.true(trained.losses.at(-1)! < trained.losses[0] * 0.7, trained.losses.join(' '));
  t.true(accuracy(SMALL, trained.parameters, trained.shape, train) > 0.8);
});

test('another seed gives other weights; the same seed the same', (t) => {
  const train = data(300, 1);
  const a = trainNetwork(SMALL, train).weightsHash;
  t.is(trainNetwork(SMALL, train).weightsHash, a);
  t.not(trainNetwork({...SMALL, seed: 1}, train).weightsHash, a);
});

test('the gradient is the derivative of the summed cross-entropy (finite differences)', (t) => {
  const train = data(7, 2);
  for (const activation of ['relu', 'tanh'] as const) {
    const shape = Shape.of(train.features, [5, 4], 3);
    const parameters = initialParameters(shape, 11);
    const computer = new GradientComputer(shape, activation, train);
    const order = Uint32Array.from({length: train.rows}, (_, i) => i);
    const {sum} = computer.partial(parameters, order, 0, train.rows, 0, 1, chunkLimit(1));
    const loss = (p: Float64Array) => {
      const probabilities = forward(p, activation, train.values, train.rows, new Workspace(shape, train.rows));
      let total = 0;
      for (let r = 0; r < train.rows; r++) total -= Math.log(probabilities[r * 3 + train.labels[r]]);
      return total;
    };
    for (const i of [
      0,
      7,
      shape.biasesAt[0] + 1,
      shape.weightsAt[1] + 3,
      shape.weightsAt[2] + 2,
      shape.parameters - 1,
    ]) {
      const h = 1e-6;
      const [up, down] = [Float64Array.from(parameters), Float64Array.from(parameters)];
      up[i] += h;
      down[i] -= h;
      const numeric = (loss(up) - loss(down)) / (2 * h);
      const analytic = sum[i] / FIXED_POINT_SCALE;
      t.true(
        Math.abs(numeric - analytic) < 1e-5 * Math.max(1, Math.abs(numeric)),
        `${activation} [${i}]: ${numeric} vs ${analytic}`,
      );
    }
  }
});

test('a partial sum into a buffer used before: cleared first, the same bits as into a new one', (t) => {
  const train = data(200, 6);
  const shape = Shape.of(train.features, [6], 3);
  const parameters = initialParameters(shape, 2);
  const computer = new GradientComputer(shape, 'relu', train);
  const order = Uint32Array.from({length: train.rows}, (_, i) => i);
  const fresh = computer.partial(parameters, order, 0, 200, 1, 5, chunkLimit(7));
  const used = new Float64Array(shape.parameters).fill(12345);
  const again = computer.partial(parameters, order, 0, 200, 1, 5, chunkLimit(7), used);
  t.is(again.sum, used);
  t.deepEqual(again, fresh);
});

test('a batch is divided by whole chunks, in proportion to the shares, every chunk to one host', (t) => {
  t.deepEqual(splitChunks(7, [1]), [[0, 7]]);
  t.deepEqual(splitChunks(7, [1, 1]), [
    [0, 4],
    [4, 7],
  ]);
  t.deepEqual(splitChunks(10, [3, 1, 1]), [
    [0, 6],
    [6, 8],
    [8, 10],
  ]);
  t.deepEqual(splitChunks(4, [1, 0, 1]), [
    [0, 2],
    [2, 2],
    [2, 4],
  ]);
  t.throws(() => splitChunks(4, [0, 0]), {instanceOf: RangeError});
});

test('standardisation: mean 0 and deviation 1 on the training rows; a constant feature is left at 0', (t) => {
  const raw: Dataset = {
    rows: 4,
    features: 2,
    values: Float64Array.from([1, 5, 3, 5, 5, 5, 7, 5]),
    labels: Int32Array.from([0, 1, 0, 1]),
    classes: ['a', 'b'],
    featureNames: ['x', 'y'],
  };
  const {values} = standardise(raw, standardisationOf(raw));
  const x = [values[0], values[2], values[4], values[6]];
  t.is(
    x.reduce((a, b) => a + b, 0),
    0,
  );
  t.is(Math.sqrt(x.reduce((a, b) => a + b * b, 0) / 4).toFixed(12), '1.000000000000');
  t.deepEqual([values[1], values[3], values[5], values[7]], [0, 0, 0, 0]);
});
