import {type BinnedData, MAX_BINS, midpoint} from './binning.js';

/**
 * A node's histogram costs its rows plus the bins between its smallest and largest; sorting its
 * rows by bin costs rows x log(rows). Nodes whose bin range exceeds this many times their rows sort.
 */
const SORT_RATIO = 8;
/** A bin's rows are of several classes. */
const MIXED = -1;
/** Below this many rows insertion sort beats a radix sort's passes. */
const INSERTION_SORT_ROWS = 24;

/**
 * The best split of one node over the features it is shown, one feature at a time, exactly as
 * scikit-learn's best splitter scores them (every boundary between neighbouring values the node
 * holds, first best kept). Buffers are made once per slot and reused by every node of every tree.
 */
export class SplitSearch {
  bestScore = -Infinity;
  bestFeature = -1;
  /** Rows whose bin is at or below this go left. */
  bestBin = 0;
  bestThreshold = 0;
  /** Class weights of the best split's left child. */
  readonly bestLeft: Float64Array;

  private readonly histogram: Float64Array;
  private readonly binRows: Uint32Array;
  /** The class of a histogram bin's rows, or MIXED. */
  private readonly binClass: Int32Array;
  private readonly codes: Uint16Array;
  private readonly keys: Uint32Array;
  private readonly spare: Uint32Array;
  private readonly buckets = new Uint32Array(256);
  private readonly left: Float64Array;
  private readonly entropy: boolean;
  private minSamplesLeaf = 1;
  private skipInRuns = true;
  /**
   * The node being searched, and the running sums of the scan: left weight, node weight, and the sum
   * over classes of f(left count) and f(right count), f(x) = x^2 for gini and x log x for entropy.
   * Kept up to date row by row, so scoring a split costs the same for 2 classes as for 40. In a
   * typed array so that no double is boxed per call.
   */
  private totals: Float64Array = new Float64Array(0);
  private at = 0;
  private readonly sums = new Float64Array(4);

  constructor(
    private readonly data: BinnedData,
    private readonly labels: Int32Array,
    private readonly weight: Float64Array,
    private readonly index: Uint32Array,
    private readonly classes: number,
    criterion: 'gini' | 'entropy',
  ) {
    let widest = 1;
    for (let f = 0; f < data.features; f++) widest = Math.max(widest, data.binCounts[f]);
    this.histogram = new Float64Array(Math.min(widest, MAX_BINS) * classes);
    this.binRows = new Uint32Array(Math.min(widest, MAX_BINS));
    this.binClass = new Int32Array(Math.min(widest, MAX_BINS));
    this.codes = new Uint16Array(data.rows);
    this.keys = new Uint32Array(data.rows);
    this.spare = new Uint32Array(data.rows);
    this.left = new Float64Array(classes);
    this.bestLeft = new Float64Array(classes);
    this.entropy = criterion === 'entropy';
  }

  /** Forgets the previous node's best split. */
  reset(minSamplesLeaf: number): void {
    this.bestScore = -Infinity;
    this.bestFeature = -1;
    this.minSamplesLeaf = minSamplesLeaf;
    // With leaves of any size allowed, a split inside a run of one class is never the best (Fayyad and
    // Irani: gini and entropy are concave), so only splits where the class changes are scored.
    this.skipInRuns = minSamplesLeaf === 1;
  }

  /**
   * Scores every split of feature f over the node's rows index[begin..end), whose class weights are
   * totals[at..at + classes); keeps the best so far. Returns false when the feature is constant here.
   */
  consider(f: number, begin: number, end: number, totals: Float64Array, at: number): boolean {
    const {bins, rows} = this.data;
    const {codes, index} = this;
    const count = end - begin;
    const column = f * rows;
    let min = MAX_BINS;
    let max = -1;
    for (let i = 0; i < count; i++) {
      const b = bins[column + index[begin + i]];
      codes[i] = b;
      if (b < min) min = b;
      if (b > max) max = b;
    }
    if (min === max) return false;
    this.totals = totals;
    this.at = at;
    if (max - min + 1 > SORT_RATIO * count) this.scanSorted(f, begin, count, min);
    else this.scanHistogram(f, begin, count, min, max);
    return true;
  }

  /** Many rows for their range of bins: one pass fills a histogram, one walks it (and clears it). */
  private scanHistogram(f: number, begin: number, count: number, min: number, max: number): void {
    const {histogram, binRows, binClass, codes, index, labels, weight, classes} = this;
    for (let i = 0; i < count; i++) {
      const r = index[begin + i];
      const b = codes[i] - min;
      const label = labels[r];
      histogram[b * classes + label] += weight[r];
      binClass[b] = binRows[b] === 0 ? label : binClass[b] === label ? label : MIXED;
      binRows[b]++;
    }
    this.startScan();
    let leftRows = 0;
    let previous = -1;
    let previousClass = MIXED;
    for (let b = 0; b <= max - min; b++) {
      const rowsHere = binRows[b];
      if (rowsHere === 0) continue;
      const base = b * classes;
      const only = binClass[b];
      if (previous >= 0 && (only !== previousClass || only === MIXED || !this.skipInRuns)) this.score(f, min + previous, min + b, leftRows, count);
      // A bin of one class (most bins, when values are distinct) moves without a pass over the classes.
      if (only !== MIXED) {
        this.moveLeft(only, histogram[base + only]);
        histogram[base + only] = 0;
      } else {
        for (let c = 0; c < classes; c++) {
          const w = histogram[base + c];
          if (w === 0) continue;
          this.moveLeft(c, w);
          histogram[base + c] = 0;
        }
      }
      leftRows += rowsHere;
      binRows[b] = 0;
      previous = b;
      previousClass = only;
    }
  }

  /** Few rows for their range of bins: sort them by bin, (bin << 16 | position) in one typed array. */
  private scanSorted(f: number, begin: number, count: number, min: number): void {
    const {codes, keys, index, labels, weight} = this;
    for (let i = 0; i < count; i++) keys[i] = ((codes[i] - min) << 16) | i;
    const sorted = this.sortKeys(count);
    this.startScan();
    let previous = -1;
    let previousClass = MIXED;
    for (let j = 0; j < count; ) {
      // One bin's rows: first whether they are all of one class, then the split before them, then move them left.
      const b = sorted[j] >>> 16;
      let only = labels[index[begin + (sorted[j] & 0xffff)]];
      let end = j + 1;
      for (; end < count && sorted[end] >>> 16 === b; end++) if (labels[index[begin + (sorted[end] & 0xffff)]] !== only) only = MIXED;
      if (previous >= 0 && (only !== previousClass || only === MIXED || !this.skipInRuns)) this.score(f, min + previous, min + b, j, count);
      for (; j < end; j++) {
        const r = index[begin + (sorted[j] & 0xffff)];
        this.moveLeft(labels[r], weight[r]);
      }
      previous = b;
      previousClass = only;
    }
  }

  /** Everything right of the first boundary: the left side empty. */
  private startScan(): void {
    const {left, sums, totals, at, classes, entropy} = this;
    let totalWeight = 0;
    let rightSum = 0;
    for (let c = 0; c < classes; c++) {
      const n = totals[at + c];
      left[c] = 0;
      totalWeight += n;
      rightSum += entropy ? xlogx(n) : n * n;
    }
    sums[0] = 0;
    sums[1] = totalWeight;
    sums[2] = 0;
    sums[3] = rightSum;
  }

  /** Moves weight w of class c from the right side of the scan to the left. */
  private moveLeft(c: number, w: number): void {
    const {left, sums} = this;
    const l = left[c];
    const r = this.totals[this.at + c] - l;
    if (this.entropy) {
      sums[2] += xlogx(l + w) - xlogx(l);
      sums[3] += xlogx(r - w) - xlogx(r);
    } else {
      sums[2] += w * (2 * l + w);
      sums[3] += w * (w - 2 * r);
    }
    left[c] = l + w;
    sums[0] += w;
  }

  /** Sorts keys[0..count): insertion sort when few, else a radix sort on the bin byte by byte (stable, linear). */
  private sortKeys(count: number): Uint32Array {
    const {keys, spare, buckets} = this;
    if (count <= INSERTION_SORT_ROWS) {
      for (let i = 1; i < count; i++) {
        const key = keys[i];
        let j = i - 1;
        while (j >= 0 && keys[j] > key) {
          keys[j + 1] = keys[j];
          j--;
        }
        keys[j + 1] = key;
      }
      return keys;
    }
    let from = keys;
    let to = spare;
    for (let shift = 16; shift < 32; shift += 8) {
      buckets.fill(0);
      for (let i = 0; i < count; i++) buckets[(from[i] >>> shift) & 0xff]++;
      // A byte every key shares needs no pass.
      if (buckets[(from[0] >>> shift) & 0xff] === count) continue;
      for (let b = 0, sum = 0; b < 256; b++) {
        const n = buckets[b];
        buckets[b] = sum;
        sum += n;
      }
      for (let i = 0; i < count; i++) to[buckets[(from[i] >>> shift) & 0xff]++] = from[i];
      const swapped = from;
      from = to;
      to = swapped;
    }
    return from;
  }

  /** The split between bins leftBin and rightBin (the next bin the node holds), with this.left going left. */
  private score(f: number, leftBin: number, rightBin: number, leftRows: number, count: number): void {
    if (leftRows < this.minSamplesLeaf || count - leftRows < this.minSamplesLeaf) return;
    const {left, classes, sums} = this;
    const leftWeight = sums[0];
    const rightWeight = sums[1] - leftWeight;
    // Larger is better. Entropy: minus the children's weighted entropy up to constants, sum n_c log n_c - n log n
    // per side; gini: the weighted gini decrease up to constants, sum_c L_c^2 / wL + sum_c R_c^2 / wR.
    const score = this.entropy ? sums[2] + sums[3] - xlogx(leftWeight) - xlogx(rightWeight) : sums[2] / leftWeight + sums[3] / rightWeight;
    if (score > this.bestScore) {
      const {offsets, low, high} = this.data;
      this.bestScore = score;
      this.bestFeature = f;
      this.bestBin = leftBin;
      this.bestThreshold = midpoint(high[offsets[f] + leftBin], low[offsets[f] + rightBin]);
      for (let c = 0; c < classes; c++) this.bestLeft[c] = left[c];
    }
  }
}

function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}
