import {createHash} from 'node:crypto';
import test from 'ava';
import {treeSeed} from '../../src/data/random.js';
import {splitTrainTest} from '../../src/data/split.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {Forest} from '../../src/forest/forest.js';
import {binData, MAX_BINS} from '../../src/forest/native/binning.js';
import type {GrowOptions} from '../../src/forest/native/grow.js';
import {growTree} from '../helpers/grow-tree.js';
import {deserializeTree, ModelFormatError, serializeTree} from '../../src/forest/native/tree-model.js';
import {nativeTrainer} from '../../src/forest/native/trainer.js';

const FULL: GrowOptions = {
  maxFeatures: 4,
  maxDepth: Infinity,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  criterion: 'gini',
};
const data = makeClassification({samples: 2000, features: 16, informative: 8, classes: 3, seed: 4});
const {train, test: held} = splitTrainTest(data, 0.25, 4);
const binned = binData(train);

test('each distinct value gets a bin of its own, holding exactly that value', (t) => {
  const small = binData({rows: 5, features: 1, values: Float64Array.from([3, 1, 2, 3, 1])});
  t.is(small.binCounts[0], 3);
  t.deepEqual(Array.from(small.bins), [2, 0, 1, 2, 0]);
  t.deepEqual(Array.from(small.low), [1, 2, 3]);
  t.deepEqual(Array.from(small.high), [1, 2, 3]);
  for (let f = 0; f < train.features; f++) {
    for (let r = 0; r < train.rows; r += 7) {
      const at = binned.offsets[f] + binned.bins[f * train.rows + r];
      t.is(binned.low[at], train.values[r * train.features + f]);
    }
  }
});

test('more distinct values than MAX_BINS are cut into bins of equal row counts, in value order', (t) => {
  const rows = MAX_BINS + 5000;
  const values = Float64Array.from({length: rows}, (_, i) => ((i * 7919) % rows) / 3);
  const many = binData({rows, features: 1, values});
  t.true(many.binCounts[0] <= MAX_BINS && many.binCounts[0] > MAX_BINS / 2);
  const outside = Array.from(values).filter(
    (value, r) => !(many.low[many.bins[r]] <= value && value <= many.high[many.bins[r]]),
  );
  t.deepEqual(outside, []);
  t.true(many.low.every((low, bin) => low <= many.high[bin] && (bin === 0 || many.high[bin - 1] < low)));
});

test('the same seed grows the same tree; another seed another tree', (t) => {
  const bytes = (seed: number) => Buffer.from(serializeTree(growTree(binned, train.labels, 3, FULL, seed)));
  t.deepEqual(bytes(1), bytes(1));
  t.notDeepEqual(bytes(1), bytes(2));
});

test('golden: trees under fixed seeds do not drift', (t) => {
  const hash = createHash('sha256');
  // Hashed as format 1 (without the nodes' weights, which format 2 adds), so the hash is the one trees have always had.
  for (let i = 0; i < 5; i++) {
    const tree = growTree(binned, train.labels, 3, FULL, treeSeed(0, i));
    const bytes = serializeTree(tree).slice(0, -tree.nodeCount * 8);
    new DataView(bytes.buffer).setUint32(4, 1, true);
    hash.update(bytes);
  }
  t.snapshot(hash.digest('hex'));
});

test('a fully grown tree fits its bootstrap rows; maxDepth and minSamplesLeaf bound it', (t) => {
  const full = growTree(binned, train.labels, 3, FULL, 9);
  const leaves = (tree: typeof full) => Array.from(tree.feature).filter((f) => f < 0).length;
  for (let node = 0; node < full.nodeCount; node++) {
    if (full.feature[node] >= 0) continue;
    const distribution = Array.from(full.value.subarray(node * 3, node * 3 + 3));
    t.true(
      distribution.some((p) => p === 1) || distribution.every((p) => p < 1),
      'leaves are pure unless rows are identical',
    );
  }
  const stump = growTree(binned, train.labels, 3, {...FULL, maxDepth: 1}, 9);
  t.is(stump.nodeCount, 3);
  const coarse = growTree(binned, train.labels, 3, {...FULL, minSamplesLeaf: 20}, 9);
  t.true(leaves(coarse) < leaves(full) / 5);
});

test('a forest of native trees learns: well above chance, gini and entropy alike', (t) => {
  const prepared = nativeTrainer.prepare({...train, classes: 3}, binData(train, true));
  for (const criterion of ['gini', 'entropy'] as const) {
    const trees = Array.from({length: 30}, (_, i) =>
      prepared({trainer: 'native', maxFeatures: 'sqrt', criterion}, treeSeed(1, i)),
    );
    const accuracy = Forest.fromTrees('native', train.classes, trees).accuracy(held.values, held.features, held.labels);
    t.true(accuracy > 0.75, `${criterion} accuracy ${accuracy}`);
  }
});

test('serialisation round-trips; truncated or corrupt trees are refused', (t) => {
  const tree = growTree(binned, train.labels, 3, FULL, 3);
  const bytes = serializeTree(tree);
  const back = deserializeTree(bytes);
  t.is(back.nodeCount, tree.nodeCount);
  t.deepEqual(Array.from(back.threshold), Array.from(tree.threshold));
  t.deepEqual(Array.from(back.value), Array.from(tree.value));
  t.throws(() => deserializeTree(bytes.subarray(0, bytes.length - 8)), {
    instanceOf: ModelFormatError,
    message: /should be \d+ bytes/,
  });
  t.throws(() => deserializeTree(new TextEncoder().encode('{"name":"RFClassifier"}')), {
    instanceOf: ModelFormatError,
    message: 'not a native tree',
  });
  const looping = bytes.slice();
  new DataView(looping.buffer).setInt32(
    16 + Math.ceil((tree.nodeCount * 8) / 8) * 8 + Math.ceil((tree.nodeCount * 4) / 8) * 8,
    0,
    true,
  );
  t.throws(() => deserializeTree(looping), {instanceOf: ModelFormatError, message: 'node 0 links outside the tree'});
});
