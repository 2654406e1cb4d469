import test from 'ava';
import {Random, treeSeed} from '../../src/data/random.js';
import {binData} from '../../src/forest/native/binning.js';
import type {GrowOptions} from '../../src/forest/native/grow.js';
import {growTree} from '../helpers/grow-tree.js';

// Feature 0 gives the class away, feature 1 is the class with a third of it flipped, features 2..9 are constant.
const ROWS = 300;
const FEATURES = 10;
const random = new Random(5);
const labels = Int32Array.from({length: ROWS}, (_, r) => r % 2);
const values = new Float64Array(ROWS * FEATURES);
for (let r = 0; r < ROWS; r++) {
  values[r * FEATURES] = labels[r];
  values[r * FEATURES + 1] = random.next() < 0.33 ? 1 - labels[r] : labels[r];
  for (let f = 2; f < FEATURES; f++) values[r * FEATURES + f] = 7;
}
const binned = binData({rows: ROWS, features: FEATURES, values});
const STUMP: GrowOptions = {maxFeatures: 2, maxDepth: 1, minSamplesSplit: 2, minSamplesLeaf: 1, criterion: 'gini'};

/** The feature each of `trees` stumps split the root on. */
function rootFeatures(options: GrowOptions, trees: number): number[] {
  return Array.from({length: trees}, (_, i) => growTree(binned, labels, 2, options, treeSeed(3, i)).feature[0]);
}

test("constant features count against maxFeatures, as in scikit-learn's best splitter", (t) => {
  // Two draws from 10 features, 8 of them constant, going on only while every draw was constant:
  // the weak feature wins when drawn before the strong one and the search stops first, 44/90 of the time.
  const roots = rootFeatures(STUMP, 400);
  const weak = roots.filter((f) => f === 1).length / roots.length;
  t.true(Math.abs(weak - 44 / 90) < 0.08, `weak feature at the root in ${weak} of the stumps`);
  t.true(
    roots.every((f) => f === 0 || f === 1),
    'a constant feature is never split on',
  );
});

test('with maxFeatures 1 a node still finds a feature that is not constant', (t) => {
  const roots = rootFeatures({...STUMP, maxFeatures: 1}, 200);
  t.true(
    roots.every((f) => f === 0 || f === 1),
    'every stump split',
  );
});

test('with every feature drawn the strong feature always wins', (t) => {
  t.deepEqual(new Set(rootFeatures({...STUMP, maxFeatures: FEATURES}, 50)), new Set([0]));
});
