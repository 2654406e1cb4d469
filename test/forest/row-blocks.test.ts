import test from 'ava';
import {Random} from '../../src/data/random.js';
import {binData} from '../../src/forest/native/binning.js';
import type {GrowOptions} from '../../src/forest/native/grow.js';
import {serializeTree} from '../../src/forest/native/tree-model.js';
import {warmUpNative} from '../../src/forest/native/warm-up.js';
import {growTree} from '../helpers/grow-tree.js';

const FULL: GrowOptions = {
  maxFeatures: 30,
  maxDepth: Infinity,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  criterion: 'gini',
};

/** Image-like: pixels 0-255, mostly dark, the class from a few of them plus noise. */
function pixels(rows: number, features: number, seed: number) {
  const random = new Random(seed);
  const values = new Float64Array(rows * features);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let f = 0; f < features; f++) {
      const v = random.next() < 0.5 ? 0 : random.int(256);
      values[r * features + f] = v;
      if (f % 50 === 0) sum += v;
    }
    labels[r] = Math.floor(sum / 200 + random.next() * 2) % 5;
  }
  return {rows, features, values, labels};
}

test('wide data: bins stored by row too, and small nodes read from blocks of their rows, grow the same trees as the columns alone', (t) => {
  // 2,200 x 1,000 two-byte bins: past the 4 MB from which they are also stored by row.
  const data = pixels(2200, 1000, 3);
  const binned = binData(data);
  t.truthy(binned.rowBins, 'bins of more than 4 MB are stored by row as well');
  const columnsOnly = {...binned, rowBins: undefined};
  for (const seed of [1, 2]) {
    const withBlocks = serializeTree(growTree(binned, data.labels, 5, FULL, seed));
    const without = serializeTree(growTree(columnsOnly, data.labels, 5, FULL, seed));
    t.deepEqual(Buffer.from(withBlocks), Buffer.from(without), `seed ${seed}`);
  }
  const entropy = {...FULL, criterion: 'entropy' as const};
  t.deepEqual(
    Buffer.from(serializeTree(growTree(binned, data.labels, 5, entropy, 7))),
    Buffer.from(serializeTree(growTree(columnsOnly, data.labels, 5, entropy, 7))),
  );
});

test('whole numbers binned by counting get the bins a sort gives', (t) => {
  const {rows, values} = pixels(3000, 4, 5);
  const counted = binData({rows, features: 4, values});
  // The same order of values, none of them whole: binned by the sort.
  const sorted = binData({rows, features: 4, values: values.map((v) => v + 0.5)});
  t.deepEqual(Array.from(counted.bins), Array.from(sorted.bins));
  t.deepEqual(Array.from(counted.binCounts), Array.from(sorted.binCounts));
  t.deepEqual(
    Array.from(counted.low),
    Array.from(sorted.low, (v) => v - 0.5),
  );
  // Negative whole numbers and a range wider than the rows allow: counted, and sorted.
  const negative = binData({rows: 4, features: 1, values: Float64Array.from([-3, 5, -3, 0])});
  t.deepEqual(Array.from(negative.bins), [0, 2, 0, 1]);
  const wide = binData({rows: 3, features: 1, values: Float64Array.from([1e9, 0, 5])});
  t.deepEqual(Array.from(wide.bins), [2, 0, 1]);
});

test('the warm-up trains throwaway trees within its budget', (t) => {
  const trees = warmUpNative(1000);
  t.true(trees >= 1 && trees <= 12, `${trees} trees`);
  t.is(warmUpNative(0), 0);
});
