import type {Criterion} from '../spec.js';
import {type BinnedData, MAX_BINS, midpoint} from './binning.js';
import type {RowView} from './row-view.js';

/**
 * A node's histogram costs its rows plus the bins between its smallest and largest; sorting its
 * rows by bin costs rows x log(rows). Nodes whose bin range exceeds this many times their rows sort.
 */
const SORT_RATIO = 8;
/** A bin's rows are of several classes. */
const MIXED = -1;
/** No class: no boundary is waiting. */
const NO_CLASS = -2;
/** Below this many rows insertion sort beats a radix sort's passes. */
const INSERTION_SORT_ROWS = 24;

/**
 * The best split of one node over the features it is shown, one feature at a time, exactly as
 * scikit-learn's best splitter scores them (every boundary between neighbouring values the node
 * holds, first best kept). A feature comes either as the node's rows already in bin order (the
 * lists of SortedRows) or as the node's rows in any order, then sorted or histogrammed here.
 * Buffers are made once per slot and reused by every node of every tree.
 */
export class SplitSearch {
  bestFeature = -1;
  /** Rows whose bin is at or below this go left; the next bin the node holds is bestNextBin. */
  bestBin = 0;
  bestNextBin = 0;
  /** How many of the node's rows go left. */
  bestLeftRows = 0;

  private readonly histogram: Float64Array;
  private readonly binRows: Uint32Array;
  /** The class of a histogram bin's last row, and the bin's weight: the bin is of that one class when its weight is all that class's. */
  private readonly binLastClass: Int32Array;
  private readonly binWeight: Float64Array;
  private readonly codes: Uint16Array;
  private readonly keys: Uint32Array;
  private readonly spare: Uint32Array;
  private readonly ordered: Uint32Array;
  private readonly buckets = new Uint32Array(256);
  private readonly left: Float64Array;
  private readonly entropy: boolean;
  /** x log x for every whole weight a side can have (bootstrap weights are counts), for entropy. */
  private readonly xlogx: Float64Array;
  private minSamplesLeaf = 1;
  private skipInRuns = true;
  /** The node being searched: its class weights are totals[at..at + classes). */
  private totals: Float64Array = new Float64Array(0);
  private at = 0;
  /**
   * The best score so far, and the node's weight, in a typed array: number fields read and written in
   * hot loops would be boxed doubles; the scans keep them in locals meanwhile.
   */
  private readonly bestScore = new Float64Array(1);
  private readonly nodeWeight = new Float64Array(1);
  /** The boundary that waits in scanRows: left sum, right sum, left weight, its bin, the next bin, rows on its left. */
  private readonly waiting = new Float64Array(6);

  constructor(
    private readonly data: BinnedData,
    /** Where rows' bins, classes and weights are read: the data set's, or a block of a small node's rows. */
    private readonly view: RowView,
    private readonly index: Uint32Array,
    private readonly classes: number,
    criterion: Criterion,
  ) {
    let widest = 1;
    for (let f = 0; f < data.features; f++) widest = Math.max(widest, data.binCounts[f]);
    this.histogram = new Float64Array(Math.min(widest, MAX_BINS) * classes);
    this.binRows = new Uint32Array(Math.min(widest, MAX_BINS));
    this.binLastClass = new Int32Array(Math.min(widest, MAX_BINS));
    this.binWeight = new Float64Array(Math.min(widest, MAX_BINS));
    this.codes = new Uint16Array(data.rows);
    this.keys = new Uint32Array(data.rows);
    this.spare = new Uint32Array(data.rows);
    this.ordered = new Uint32Array(data.rows);
    this.left = new Float64Array(classes);
    this.entropy = criterion === 'entropy';
    this.xlogx = new Float64Array(this.entropy ? data.rows + 1 : 1);
    if (this.entropy) for (let x = 1; x <= data.rows; x++) this.xlogx[x] = x * Math.log(x);
  }

  /** Forgets the previous node's best split. */
  reset(minSamplesLeaf: number): void {
    this.bestScore[0] = -Infinity;
    this.bestFeature = -1;
    this.minSamplesLeaf = minSamplesLeaf;
    // With leaves of any size allowed, a split inside a run of one class is never the best (Fayyad and
    // Irani: gini and entropy are concave), so only splits where the class changes are scored.
    this.skipInRuns = minSamplesLeaf === 1;
  }

  /**
   * Scores every split of feature f over the node's rows list[begin..end), already in bin order,
   * whose class weights are totals[at..at + classes); keeps the best so far. False when f is constant here.
   */
  considerSorted(f: number, list: Uint32Array, begin: number, end: number, totals: Float64Array, at: number): boolean {
    const {bins, rows} = this.data;
    // Lists are of the data set's rows: never read through a block.
    if (bins[f * rows + list[begin]] === bins[f * rows + list[end - 1]]) return false;
    this.totals = totals;
    this.at = at;
    this.scanRows(f, list, begin, end - begin);
    return true;
  }

  /** As considerSorted, for the node's rows index[begin..end) in any order. */
  consider(f: number, begin: number, end: number, totals: Float64Array, at: number): boolean {
    const count = end - begin;
    this.totals = totals;
    this.at = at;
    // A feature of few bins for the node's rows is histogrammed by its own bins in the pass that finds its range.
    if (this.data.binCounts[f] <= SORT_RATIO * count) return this.histogramAll(f, begin, count);
    const {bins, featureStride, rowStride} = this.view;
    const {codes, index} = this;
    const column = f * featureStride;
    let min = MAX_BINS;
    let max = -1;
    for (let i = 0; i < count; i++) {
      const b = bins[column + index[begin + i] * rowStride];
      codes[i] = b;
      if (b < min) min = b;
      if (b > max) max = b;
    }
    if (min === max) return false;
    if (max - min + 1 > SORT_RATIO * count) this.scanSorted(f, begin, count, min);
    else {
      this.fillHistogram(begin, count, min);
      this.scanHistogram(f, count, min, max - min);
    }
    return true;
  }

  /** One pass: the histogram of rows index[begin..begin + count) over all of f's bins, and their range; then the scan. False when f is constant here. */
  private histogramAll(f: number, begin: number, count: number): boolean {
    const {histogram, binRows, binWeight, binLastClass, index, classes} = this;
    const {bins, featureStride, rowStride, labels, weight} = this.view;
    const column = f * featureStride;
    let min = MAX_BINS;
    let max = -1;
    // addToHistogram by hand: fields read once, not per row.
    for (let i = begin, end = begin + count; i < end; i++) {
      const r = index[i];
      const b = bins[column + r * rowStride];
      const label = labels[r];
      const w = weight[r];
      histogram[b * classes + label] += w;
      binWeight[b] += w;
      binLastClass[b] = label;
      binRows[b]++;
      if (b < min) min = b;
      if (b > max) max = b;
    }
    if (min === max) {
      histogram.fill(0, min * classes, (min + 1) * classes);
      binRows[min] = 0;
      binWeight[min] = 0;
      return false;
    }
    this.scanHistogram(f, count, 0, max, min);
    return true;
  }

  /**
   * Scores the boundaries between the bins of rows list[from..from + count), which come in bin order,
   * in one pass over the rows. The running sums (left weight, and over classes the sum of f(left
   * weight) and of f(right weight), f(x) = x^2 for gini and x log x for entropy) move row by row, so a
   * boundary costs the same with 2 classes as with 40. A boundary after a bin of one class waits: it
   * is scored (from the sums saved at it) when a row of another class comes in the next bin, and
   * dropped when that bin ends all of the same class, since such a split is never the best.
   */
  private scanRows(f: number, list: Uint32Array, from: number, count: number): void {
    const {left, minSamplesLeaf, skipInRuns, totals, at} = this;
    // Sorted lists are of the data set's rows (the view is then the data set's too).
    const {bins, featureStride, rowStride, labels, weight} = this.view;
    const column = f * featureStride;
    const end = from + count;
    let rightSum = this.startScan();
    let leftSum = 0;
    let leftWeight = 0;
    let bestScore = this.bestScore[0];
    const nodeWeight = this.nodeWeight[0];
    let bin = bins[column + list[from] * rowStride];
    let binClass = labels[list[from]];
    // The boundary waiting for a row of another class than waitClass (NO_CLASS: none waits), its sums and place.
    let waitClass = NO_CLASS;
    for (let j = from; j < end; j++) {
      const r = list[j];
      const b = bins[column + r * rowStride];
      const c = labels[r];
      if (b !== bin) {
        // The bin that ends here held only waitClass if a boundary still waits: that one is dropped.
        waitClass = NO_CLASS;
        const leftRows = j - from;
        if (leftRows >= minSamplesLeaf && count - leftRows >= minSamplesLeaf) {
          if (binClass === MIXED || !skipInRuns) {
            bestScore = this.scoreBoundary(bestScore, f, leftSum, rightSum, leftWeight, nodeWeight, bin, b, leftRows);
          } else {
            waitClass = binClass;
            this.wait(leftSum, rightSum, leftWeight, bin, b, leftRows);
          }
        }
        bin = b;
        binClass = c;
      } else if (c !== binClass) binClass = MIXED;
      if (c !== waitClass && waitClass !== NO_CLASS) {
        waitClass = NO_CLASS;
        bestScore = this.scoreWaiting(bestScore, f, nodeWeight);
      }
      const w = weight[r];
      const l = left[c];
      leftSum += this.leftChange(l, w);
      rightSum += this.rightChange(totals[at + c] - l, w);
      left[c] = l + w;
      leftWeight += w;
    }
    this.bestScore[0] = bestScore;
  }

  /** Saves a boundary after a bin of one class, to be scored if a row of another class follows. */
  private wait(leftSum: number, rightSum: number, leftWeight: number, bin: number, next: number, rows: number): void {
    const waiting = this.waiting;
    waiting[0] = leftSum;
    waiting[1] = rightSum;
    waiting[2] = leftWeight;
    waiting[3] = bin;
    waiting[4] = next;
    waiting[5] = rows;
  }

  /** The boundary `wait` saved, scored now that a row of another class came in the next bin. */
  private scoreWaiting(best: number, f: number, nodeWeight: number): number {
    const w = this.waiting;
    return this.scoreBoundary(best, f, w[0], w[1], w[2], nodeWeight, w[3], w[4], w[5]);
  }

  /** The boundary between bins `bin` and `next` with `rows` rows on its left, kept if it beats `best`; the best score after it. */
  private scoreBoundary(
    best: number,
    f: number,
    leftSum: number,
    rightSum: number,
    leftWeight: number,
    nodeWeight: number,
    bin: number,
    next: number,
    rows: number,
  ): number {
    if (!this.mayBeat(best, leftSum, rightSum, leftWeight, nodeWeight)) return best;
    const score = this.gain(leftSum, rightSum, leftWeight, nodeWeight);
    if (!(score > best)) return best;
    this.keep(f, bin, next, rows);
    return score;
  }

  /** Many rows for their range of bins: the histogram of rows index[begin..begin + count) by codes[i] - min. */
  private fillHistogram(begin: number, count: number, min: number): void {
    const {codes, index} = this;
    for (let i = 0; i < count; i++) this.addToHistogram(codes[i] - min, index[begin + i]);
  }

  /** Row r into histogram place b. */
  private addToHistogram(b: number, r: number): void {
    const label = this.view.labels[r];
    const w = this.view.weight[r];
    this.histogram[b * this.classes + label] += w;
    this.binWeight[b] += w;
    this.binLastClass[b] = label;
    this.binRows[b]++;
  }

  /** Walks the histogram's places first..last, holding bins offset + place (and clears it), scoring the boundaries between them. */
  private scanHistogram(f: number, count: number, offset: number, last: number, first = 0): void {
    const {histogram, binRows, binLastClass, binWeight, classes, left, totals, at} = this;
    let rightSum = this.startScan();
    let leftSum = 0;
    let leftWeight = 0;
    let bestScore = this.bestScore[0];
    const nodeWeight = this.nodeWeight[0];
    let leftRows = 0;
    let previous = -1;
    let previousClass = MIXED;
    for (let b = first; b <= last; b++) {
      const rowsHere = binRows[b];
      if (rowsHere === 0) continue;
      const base = b * classes;
      // Weights are whole counts, so their sums are exact.
      const only = histogram[base + binLastClass[b]] === binWeight[b] ? binLastClass[b] : MIXED;
      binWeight[b] = 0;
      if (
        previous >= 0 &&
        (only !== previousClass || only === MIXED || !this.skipInRuns) &&
        leftRows >= this.minSamplesLeaf &&
        count - leftRows >= this.minSamplesLeaf
      ) {
        const score = this.mayBeat(bestScore, leftSum, rightSum, leftWeight, nodeWeight)
          ? this.gain(leftSum, rightSum, leftWeight, nodeWeight)
          : bestScore;
        if (score > bestScore) {
          bestScore = score;
          this.keep(f, offset + previous, offset + b, leftRows);
        }
      }
      // A bin of one class (most bins, when values are distinct) moves without a pass over the classes.
      for (let c = only === MIXED ? 0 : only; c < (only === MIXED ? classes : only + 1); c++) {
        const w = histogram[base + c];
        if (w === 0) continue;
        histogram[base + c] = 0;
        const l = left[c];
        leftSum += this.leftChange(l, w);
        rightSum += this.rightChange(totals[at + c] - l, w);
        left[c] = l + w;
        leftWeight += w;
      }
      leftRows += rowsHere;
      binRows[b] = 0;
      previous = b;
      previousClass = only;
    }
    this.bestScore[0] = bestScore;
  }

  /** Few rows for their range of bins: sort them by bin, (bin << 16 | position) in one typed array, then scan them in order. */
  private scanSorted(f: number, begin: number, count: number, min: number): void {
    const {codes, keys, index, ordered} = this;
    for (let i = 0; i < count; i++) keys[i] = ((codes[i] - min) << 16) | i;
    const sorted = this.sortKeys(count);
    for (let i = 0; i < count; i++) ordered[i] = index[begin + (sorted[i] & 0xffff)];
    this.scanRows(f, ordered, 0, count);
  }

  /** Everything on the right, the left empty: returns the right side's sum of f(class weight). */
  private startScan(): number {
    const {left, totals, at, classes, entropy, xlogx} = this;
    let nodeWeight = 0;
    let rightSum = 0;
    for (let c = 0; c < classes; c++) {
      const n = totals[at + c];
      left[c] = 0;
      nodeWeight += n;
      rightSum += entropy ? xlogx[n] : n * n;
    }
    this.nodeWeight[0] = nodeWeight;
    return rightSum;
  }

  /** How f(left weight of a class) changes when weight w of it moves left (f(x) = x^2 for gini, x log x for entropy). */
  private leftChange(l: number, w: number): number {
    return this.entropy ? this.xlogx[l + w] - this.xlogx[l] : w * (2 * l + w);
  }

  /** How f(right weight of a class), `rest`, changes when weight w of it moves left. */
  private rightChange(rest: number, w: number): number {
    return this.entropy ? this.xlogx[rest - w] - this.xlogx[rest] : w * (w - 2 * rest);
  }

  /**
   * False only when the split is surely no better than `best`: for gini, compared without its two
   * divisions (multiplied out by both sides' weights, with a margin far above rounding), as most
   * boundaries lose; gain() then scores the rest exactly, so the choice is the same as scoring all.
   */
  private mayBeat(best: number, leftSum: number, rightSum: number, leftWeight: number, nodeWeight: number): boolean {
    if (this.entropy) return true;
    const rightWeight = nodeWeight - leftWeight;
    return leftSum * rightWeight + rightSum * leftWeight >= best * (1 - 1e-9) * leftWeight * rightWeight;
  }

  /**
   * Larger is better. Entropy: minus the children's weighted entropy up to constants, sum n_c log n_c - n log n
   * per side; gini: the weighted gini decrease up to constants, sum_c L_c^2 / wL + sum_c R_c^2 / wR.
   */
  private gain(leftSum: number, rightSum: number, leftWeight: number, nodeWeight: number): number {
    const rightWeight = nodeWeight - leftWeight;
    return this.entropy
      ? leftSum + rightSum - this.xlogx[leftWeight] - this.xlogx[rightWeight]
      : leftSum / leftWeight + rightSum / rightWeight;
  }

  /**
   * The split between bins leftBin and rightBin (the next bin the node holds) is the best so far (its
   * score is the caller's to keep). Only where it is: its threshold and class weights are worked out
   * once, for the winner (several splits of a feature often improve on each other).
   */
  private keep(f: number, leftBin: number, rightBin: number, leftRows: number): void {
    this.bestFeature = f;
    this.bestBin = leftBin;
    this.bestNextBin = rightBin;
    this.bestLeftRows = leftRows;
  }

  /** scikit-learn's threshold of the best split: the midpoint between the values on either side. */
  bestThreshold(): number {
    const {offsets, low, high} = this.data;
    const at = offsets[this.bestFeature];
    return midpoint(high[at + this.bestBin], low[at + this.bestNextBin]);
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
}
