import type {TrainingData} from '../trainer.js';

export const MAX_BINS = 256;
/** Thresholds are chosen from at most this many rows (by stride), as scikit-learn's hist trees subsample. */
const THRESHOLD_SAMPLE = 200_000;

/**
 * Each feature quantised once into at most 256 bins, one byte per value, stored by feature so a
 * node's histogram reads one contiguous column. Every tree and every slot thread shares it.
 */
export interface BinnedData {
  rows: number;
  features: number;
  /** features x rows: bins[f * rows + r] is the bin of row r's value of feature f. */
  bins: Uint8Array;
  /** features x MAX_BINS: a value v is in bin b when thresholds[f][b - 1] < v <= thresholds[f][b]. */
  thresholds: Float64Array;
  /** How many bins each feature uses. */
  binCounts: Uint16Array;
}

/** Allocates in shared memory when asked, so worker threads can read the result without copies. */
export function binData(data: Pick<TrainingData, 'rows' | 'features' | 'values'>, shared = false): BinnedData {
  const {rows, features, values} = data;
  const allocate = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const bins = new Uint8Array(allocate(rows * features));
  const thresholds = new Float64Array(allocate(features * MAX_BINS * 8)).fill(Infinity);
  const binCounts = new Uint16Array(allocate(features * 2));
  const column = new Float64Array(rows);
  for (let f = 0; f < features; f++) {
    for (let r = 0; r < rows; r++) column[r] = values[r * features + f];
    const cuts = chooseThresholds(column);
    thresholds.set(cuts, f * MAX_BINS);
    binCounts[f] = cuts.length + 1;
    const out = bins.subarray(f * rows, (f + 1) * rows);
    for (let r = 0; r < rows; r++) out[r] = binOf(cuts, column[r]);
  }
  return {rows, features, bins, thresholds, binCounts};
}

/** Midpoints between neighbouring distinct values: all of them when they fit, else at quantiles. */
function chooseThresholds(column: Float64Array): Float64Array {
  const stride = Math.max(1, Math.ceil(column.length / THRESHOLD_SAMPLE));
  const sample = new Float64Array(Math.ceil(column.length / stride));
  for (let i = 0, r = 0; r < column.length; r += stride) sample[i++] = column[r];
  sample.sort();
  const distinct: number[] = [];
  for (let i = 0; i < sample.length; i++) if (i === 0 || sample[i] !== sample[i - 1]) distinct.push(sample[i]);
  const cuts: number[] = [];
  if (distinct.length <= MAX_BINS) {
    for (let i = 1; i < distinct.length; i++) cuts.push(midpoint(distinct[i - 1], distinct[i]));
  } else {
    for (let q = 1; q < MAX_BINS; q++) {
      const i = Math.floor((q * distinct.length) / MAX_BINS);
      const cut = midpoint(distinct[i - 1], distinct[i]);
      if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
    }
  }
  return Float64Array.from(cuts);
}

function midpoint(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  // Rounding can land the midpoint on b, which would put b in a's bin.
  return mid < b ? mid : a;
}

/** The first bin whose threshold is at or above `value`; values above every threshold go to the last bin. */
function binOf(cuts: Float64Array, value: number): number {
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cuts[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
