import type {FlatTree} from './tree-model.js';

/**
 * Growable flat arrays for the nodes of one tree, reused tree after tree by one slot: a tree costs
 * its own nodes, not a fresh set of arrays. Each node keeps its class weights, which its parent
 * wrote when it split, so no node sums its rows again.
 */
export class TreeBuilder {
  count = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** nodes x classes: the weighted class counts of each node's rows. */
  totals: Float64Array;
  /** nodes x classes: the same as probabilities, written by view(). */
  private value: Float32Array;
  /** nodes: the sum of each node's totals, written by view(). */
  private weight: Float64Array;
  private capacity: number;

  constructor(
    private readonly classes: number,
    capacity = 256,
  ) {
    this.capacity = capacity;
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.totals = new Float64Array(capacity * classes);
    this.value = new Float32Array(capacity * classes);
    this.weight = new Float64Array(capacity);
  }

  reset(): void {
    this.count = 0;
  }

  /** A new leaf; split() makes it a branch. Its totals are for the caller to write. */
  add(): number {
    if (this.count === this.capacity) this.grow();
    const node = this.count++;
    this.feature[node] = -1;
    this.left[node] = -1;
    this.right[node] = -1;
    this.threshold[node] = 0;
    return node;
  }

  split(node: number, feature: number, threshold: number, left: number, right: number): void {
    this.feature[node] = feature;
    this.threshold[node] = threshold;
    this.left[node] = left;
    this.right[node] = right;
  }

  /** The tree as views of the builder's arrays (valid until the next tree), leaf values as probabilities. */
  view(): FlatTree & {weight: Float64Array} {
    const n = this.count;
    const {classes, totals, value, weight} = this;
    for (let node = 0, at = 0; node < n; node++, at += classes) {
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += totals[at + c];
      for (let c = 0; c < classes; c++) value[at + c] = totals[at + c] / sum;
      weight[node] = sum;
    }
    return {
      classes,
      nodeCount: n,
      feature: this.feature.subarray(0, n),
      threshold: this.threshold.subarray(0, n),
      left: this.left.subarray(0, n),
      right: this.right.subarray(0, n),
      value: value.subarray(0, n * classes),
      weight: weight.subarray(0, n),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const widen = <T extends Int32Array | Float64Array>(array: T, length: number): T => {
      const wider = new (array.constructor as new (n: number) => T)(length);
      wider.set(array);
      return wider;
    };
    this.feature = widen(this.feature, this.capacity);
    this.threshold = widen(this.threshold, this.capacity);
    this.left = widen(this.left, this.capacity);
    this.right = widen(this.right, this.capacity);
    this.totals = widen(this.totals, this.capacity * this.classes);
    this.value = new Float32Array(this.capacity * this.classes);
    this.weight = new Float64Array(this.capacity);
  }
}
