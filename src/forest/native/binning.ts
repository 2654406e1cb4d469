import type {TrainingData} from '../trainer.js';

/** Bins per feature: every distinct value its own bin up to this many, row quantiles beyond. */
export const MAX_BINS = 65_536;

/**
 * Each feature quantised once into bins of two bytes, stored by feature so a node reads one
 * contiguous column. A feature with at most MAX_BINS distinct values gets one bin per value, so
 * splits are exactly scikit-learn's; beyond that, bins of equal row counts (a few rows each).
 * Every tree and every slot thread shares it.
 */
export interface BinnedData {
  rows: number;
  features: number;
  /** features x rows: bins[f * rows + r] is the bin of row r's value of feature f. */
  bins: Uint16Array;
  /** How many bins each feature uses. */
  binCounts: Uint32Array;
  /** features + 1 offsets into `low` and `high`: feature f's bins are at offsets[f] + bin. */
  offsets: Uint32Array;
  /** The smallest and largest value in each bin (equal when a bin holds one distinct value). */
  low: Float64Array;
  high: Float64Array;
}

/** Allocates in shared memory when asked, so worker threads can read the result without copies. */
export function binData(data: Pick<TrainingData, 'rows' | 'features' | 'values'>, shared = false): BinnedData {
  const {rows, features, values} = data;
  const allocate = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const bins = new Uint16Array(allocate(rows * features * 2));
  const binCounts = new Uint32Array(allocate(features * 4));
  const offsets = new Uint32Array(allocate((features + 1) * 4));
  const edges: {low: Float64Array; high: Float64Array}[] = [];
  const column = new Float64Array(rows);
  const sorted = new Float64Array(rows);
  for (let f = 0; f < features; f++) {
    for (let r = 0; r < rows; r++) column[r] = values[r * features + f];
    sorted.set(column);
    sorted.sort();
    const edge = chooseBins(sorted);
    edges.push(edge);
    binCounts[f] = edge.high.length;
    offsets[f + 1] = offsets[f] + edge.high.length;
    const out = bins.subarray(f * rows, (f + 1) * rows);
    for (let r = 0; r < rows; r++) out[r] = binOf(edge.high, column[r]);
  }
  const low = new Float64Array(allocate(offsets[features] * 8));
  const high = new Float64Array(allocate(offsets[features] * 8));
  edges.forEach((edge, f) => {
    low.set(edge.low, offsets[f]);
    high.set(edge.high, offsets[f]);
  });
  return {rows, features, bins, binCounts, offsets, low, high};
}

/** One bin per distinct value when they fit; else runs of distinct values holding about rows / MAX_BINS rows each. */
function chooseBins(sorted: Float64Array): {low: Float64Array; high: Float64Array} {
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const low: number[] = [];
  const high: number[] = [];
  // Every closed bin holds at least perBin rows, so at most MAX_BINS bins come out.
  const perBin = distinct <= MAX_BINS ? 0 : sorted.length / (MAX_BINS - 1);
  let start = 0;
  for (let i = 0; i < sorted.length; i++) {
    const last = i === sorted.length - 1 || sorted[i + 1] !== sorted[i];
    // A bin closes at a change of value once it holds its share of rows (at once when every value has its own).
    if (last && (i + 1 - start >= perBin || i === sorted.length - 1)) {
      low.push(sorted[start]);
      high.push(sorted[i]);
      start = i + 1;
    }
  }
  return {low: Float64Array.from(low), high: Float64Array.from(high)};
}

/** The first bin whose largest value is at or above `value`; values above every bin go to the last. */
export function binOf(high: Float64Array, value: number): number {
  let lo = 0;
  let hi = high.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (high[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * scikit-learn's threshold between the largest value going left and the smallest going right: their
 * midpoint, or the left value when rounding lands the midpoint on the right one.
 */
export function midpoint(left: number, right: number): number {
  const mid = left / 2 + right / 2;
  return mid === right || mid === Infinity || mid === -Infinity ? left : mid;
}
