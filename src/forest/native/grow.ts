import {Random} from '../../data/random.js';
import {type BinnedData, MAX_BINS} from './binning.js';
import type {FlatTree} from './tree-model.js';

export interface GrowOptions {
  /** Features looked at per split. */
  maxFeatures: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  criterion: 'gini' | 'entropy';
}

/**
 * Grows one tree of Breiman's random forest as scikit-learn does: a bootstrap sample (as per-row
 * counts used as weights), a fresh random subset of features at every split, best split by gini or
 * entropy over histograms of the binned features, grown until pure or stopped by the options.
 */
export function growTree(data: BinnedData, labels: Int32Array, classes: number, options: GrowOptions, seed: number): FlatTree {
  const {rows, features, bins, thresholds} = data;
  const random = new Random(seed);
  const weight = new Float64Array(rows);
  for (let i = 0; i < rows; i++) weight[random.int(rows)]++;
  let sampled = 0;
  for (let r = 0; r < rows; r++) if (weight[r] > 0) sampled++;
  // One array of row indices, partitioned in place node by node; never copied.
  const index = new Uint32Array(sampled);
  for (let r = 0, i = 0; r < rows; r++) if (weight[r] > 0) index[i++] = r;

  const tree = new TreeBuilder(classes, Math.min(2 * sampled, 1 << 16));
  const histogram = new Float64Array(MAX_BINS * classes);
  const binRows = new Uint32Array(MAX_BINS);
  const totals = new Float64Array(classes);
  const leftTotals = new Float64Array(classes);
  const order = Int32Array.from({length: features}, (_, f) => f);
  const entropy = options.criterion === 'entropy';

  // Depth-first, with an explicit stack of (node, begin, end, depth).
  const stack: number[] = [tree.add(), 0, sampled, 0];
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const begin = stack.pop()!;
    const node = stack.pop()!;

    totals.fill(0);
    for (let i = begin; i < end; i++) totals[labels[index[i]]] += weight[index[i]];
    tree.setValue(node, totals);
    const count = end - begin;
    if (depth >= options.maxDepth || count < options.minSamplesSplit || count < 2 * options.minSamplesLeaf || isPure(totals)) continue;

    let bestScore = -Infinity;
    let bestFeature = -1;
    let bestBin = 0;
    let visited = 0;
    // Draw features without replacement until maxFeatures non-constant ones were tried (scikit-learn does the same).
    for (let drawn = 0; drawn < features && visited < options.maxFeatures; drawn++) {
      const pick = drawn + random.int(features - drawn);
      const f = order[pick];
      order[pick] = order[drawn];
      order[drawn] = f;

      const column = f * rows;
      let lowBin = MAX_BINS;
      let highBin = 0;
      for (let i = begin; i < end; i++) {
        const r = index[i];
        const b = bins[column + r];
        histogram[b * classes + labels[r]] += weight[r];
        binRows[b]++;
        if (b < lowBin) lowBin = b;
        if (b > highBin) highBin = b;
      }
      if (lowBin === highBin) {
        clear(histogram, binRows, lowBin, highBin, classes);
        continue;
      }
      visited++;

      // Scan split points between bins; only the bins this node uses, then clear just those.
      leftTotals.fill(0);
      let leftRows = 0;
      let leftWeight = 0;
      let totalWeight = 0;
      for (let c = 0; c < classes; c++) totalWeight += totals[c];
      for (let b = lowBin; b < highBin; b++) {
        if (binRows[b] === 0) continue;
        const at = b * classes;
        for (let c = 0; c < classes; c++) {
          leftTotals[c] += histogram[at + c];
          leftWeight += histogram[at + c];
        }
        leftRows += binRows[b];
        if (leftRows < options.minSamplesLeaf || count - leftRows < options.minSamplesLeaf) continue;
        const score = entropy ? entropyScore(leftTotals, totals, leftWeight, totalWeight, classes) : giniScore(leftTotals, totals, leftWeight, totalWeight, classes);
        if (score > bestScore) {
          bestScore = score;
          bestFeature = f;
          bestBin = b;
        }
      }
      clear(histogram, binRows, lowBin, highBin, classes);
    }
    if (bestFeature < 0) continue;

    // Partition the node's rows: bin <= bestBin to the left.
    const column = bestFeature * rows;
    let low = begin;
    let high = end - 1;
    while (low <= high) {
      if (bins[column + index[low]] <= bestBin) low++;
      else {
        const swap = index[low];
        index[low] = index[high];
        index[high--] = swap;
      }
    }
    const left = tree.add();
    const right = tree.add();
    tree.split(node, bestFeature, thresholds[bestFeature * MAX_BINS + bestBin], left, right);
    stack.push(right, low, end, depth + 1, left, begin, low, depth + 1);
  }
  return tree.finish();
}

function isPure(totals: Float64Array): boolean {
  let nonzero = 0;
  for (let c = 0; c < totals.length; c++) if (totals[c] > 0) nonzero++;
  return nonzero <= 1;
}

function clear(histogram: Float64Array, binRows: Uint32Array, lowBin: number, highBin: number, classes: number): void {
  histogram.fill(0, lowBin * classes, (highBin + 1) * classes);
  binRows.fill(0, lowBin, highBin + 1);
}

/** Larger is better: sum_c L_c^2 / wL + sum_c R_c^2 / wR, the weighted gini decrease up to constants. */
function giniScore(left: Float64Array, totals: Float64Array, leftWeight: number, totalWeight: number, classes: number): number {
  let leftSquares = 0;
  let rightSquares = 0;
  for (let c = 0; c < classes; c++) {
    const l = left[c];
    const r = totals[c] - l;
    leftSquares += l * l;
    rightSquares += r * r;
  }
  return leftSquares / leftWeight + rightSquares / (totalWeight - leftWeight);
}

/** Larger is better: minus the weighted entropy of the children, sum n_c log n_c - n log n per side. */
function entropyScore(left: Float64Array, totals: Float64Array, leftWeight: number, totalWeight: number, classes: number): number {
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const l = left[c];
    const r = totals[c] - l;
    if (l > 0) sum += l * Math.log(l);
    if (r > 0) sum += r * Math.log(r);
  }
  const rightWeight = totalWeight - leftWeight;
  return sum - leftWeight * Math.log(leftWeight) - rightWeight * Math.log(rightWeight);
}

/** Growable flat arrays for the nodes of one tree. */
class TreeBuilder {
  private capacity: number;
  private count = 0;
  private feature: Int32Array;
  private threshold: Float64Array;
  private left: Int32Array;
  private right: Int32Array;
  private value: Float32Array;

  constructor(
    private readonly classes: number,
    capacity: number,
  ) {
    this.capacity = Math.max(capacity, 16);
    this.feature = new Int32Array(this.capacity).fill(-1);
    this.threshold = new Float64Array(this.capacity);
    this.left = new Int32Array(this.capacity).fill(-1);
    this.right = new Int32Array(this.capacity).fill(-1);
    this.value = new Float32Array(this.capacity * classes);
  }

  add(): number {
    if (this.count === this.capacity) this.grow();
    return this.count++;
  }

  /** Stores the node's class distribution, normalised to probabilities. */
  setValue(node: number, totals: Float64Array): void {
    let sum = 0;
    for (let c = 0; c < this.classes; c++) sum += totals[c];
    for (let c = 0; c < this.classes; c++) this.value[node * this.classes + c] = totals[c] / sum;
  }

  split(node: number, feature: number, threshold: number, left: number, right: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
  }

  finish(): FlatTree {
    const n = this.count;
    return {classes: this.classes, nodeCount: n, feature: this.feature.subarray(0, n), threshold: this.threshold.subarray(0, n), left: this.left.subarray(0, n), right: this.right.subarray(0, n), value: this.value.subarray(0, n * this.classes)};
  }

  private grow(): void {
    this.capacity *= 2;
    const widen = <T extends Int32Array | Float64Array | Float32Array>(array: T, length: number, fill?: number): T => {
      const wider = new (array.constructor as new (n: number) => T)(length);
      if (fill !== undefined) wider.fill(fill);
      wider.set(array);
      return wider;
    };
    this.feature = widen(this.feature, this.capacity, -1);
    this.threshold = widen(this.threshold, this.capacity);
    this.left = widen(this.left, this.capacity, -1);
    this.right = widen(this.right, this.capacity, -1);
    this.value = widen(this.value, this.capacity * this.classes);
  }
}
