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
  /**
   * rows x features: the same bins stored by row, for data sets whose columns outgrow the cache
   * (RowView copies a small node's rows from it whole); absent for smaller ones.
   */
  rowBins?: Uint16Array;
  /** How many bins each feature uses. */
  binCounts: Uint32Array;
  /** features + 1 offsets into `low` and `high`: feature f's bins are at offsets[f] + bin. */
  offsets: Uint32Array;
  /** The smallest and largest value in each bin (equal when a bin holds one distinct value). */
  low: Float64Array;
  high: Float64Array;
}

/** Columns copied out of the row-major values at once: a row's cache line serves several (at most this many bytes of them). */
const COLUMN_BLOCK_BYTES = 16 * 1024 * 1024;
const MAX_COLUMN_BLOCK = 64;

/** Allocates in shared memory when asked, so worker threads can read the result without copies. */
export function binData(data: Pick<TrainingData, 'rows' | 'features' | 'values'>, shared = false): BinnedData {
  const {rows, features, values} = data;
  const allocate = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const bins = new Uint16Array(allocate(rows * features * 2));
  const binCounts = new Uint32Array(allocate(features * 4));
  const offsets = new Uint32Array(allocate((features + 1) * 4));
  const edges: {low: Float64Array; high: Float64Array}[] = [];
  const binner = new ColumnBinner(rows);
  const block = Math.max(1, Math.min(MAX_COLUMN_BLOCK, Math.floor(COLUMN_BLOCK_BYTES / (8 * Math.max(rows, 1)))));
  const columns = new Float64Array(Math.min(block, features) * rows);
  for (let first = 0; first < features; first += block) {
    const width = Math.min(block, features - first);
    for (let r = 0, at = first; r < rows; r++, at += features)
      for (let k = 0, to = r; k < width; k++, to += rows) columns[to] = values[at + k];
    for (let k = 0; k < width; k++) {
      const f = first + k;
      const edge = binner.bin(columns.subarray(k * rows, (k + 1) * rows), bins.subarray(f * rows, (f + 1) * rows));
      edges.push(edge);
      binCounts[f] = edge.high.length;
      offsets[f + 1] = offsets[f] + edge.high.length;
    }
  }
  const low = new Float64Array(allocate(offsets[features] * 8));
  const high = new Float64Array(allocate(offsets[features] * 8));
  edges.forEach((edge, f) => {
    low.set(edge.low, offsets[f]);
    high.set(edge.high, offsets[f]);
  });
  const byRow = rows * features * 2 > ROW_BINS_FROM ? {rowBins: transpose(bins, rows, features, allocate)} : {};
  return {rows, features, bins, binCounts, offsets, low, high, ...byRow};
}

/** Bins of more than this many bytes are also stored by row. */
const ROW_BINS_FROM = 4 * 1024 * 1024;
/** Rows and features of one tile of the transpose: both sides of it stay in the cache. */
const TILE = 64;

/** features x rows to rows x features, tile by tile. */
function transpose(
  bins: Uint16Array,
  rows: number,
  features: number,
  allocate: (bytes: number) => ArrayBufferLike,
): Uint16Array {
  const out = new Uint16Array(allocate(rows * features * 2));
  for (let r0 = 0; r0 < rows; r0 += TILE)
    for (let f0 = 0; f0 < features; f0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      const f1 = Math.min(features, f0 + TILE);
      for (let f = f0; f < f1; f++) for (let r = r0; r < r1; r++) out[r * features + f] = bins[f * rows + r];
    }
  return out;
}

/** Bins one column at a time, its buffers reused. */
class ColumnBinner {
  private readonly sorter: ValueSorter;
  private readonly sorted: Float64Array;
  /** For a column of whole numbers in a short range: rows per value, then each value's bin. */
  private counts = new Int32Array(0);

  constructor(private readonly rows: number) {
    this.sorter = new ValueSorter(rows);
    this.sorted = new Float64Array(rows);
  }

  /** The bins of `column` into `out`; the values each bin holds. */
  bin(column: Float64Array, out: Uint16Array): {low: Float64Array; high: Float64Array} {
    return this.binWholeNumbers(column, out) ?? this.binSorted(column, out);
  }

  /**
   * Whole numbers in a range not much wider than the rows (pixels, counts, codes: most columns of
   * wide data) are binned by counting, in two passes and no sort; the bins are the same, one per
   * distinct value in value order. Undefined for any other column.
   */
  private binWholeNumbers(column: Float64Array, out: Uint16Array): {low: Float64Array; high: Float64Array} | undefined {
    const {rows} = this;
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < rows; r++) {
      const v = column[r];
      if (v !== Math.floor(v)) return undefined;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const span = max - min + 1;
    if (!(span <= MAX_BINS && span <= 4 * rows + 256)) return undefined;
    if (this.counts.length < span) this.counts = new Int32Array(Math.max(span, 2 * this.counts.length));
    const {counts} = this;
    counts.fill(0, 0, span);
    for (let r = 0; r < rows; r++) counts[column[r] - min]++;
    const values: number[] = [];
    for (let v = 0; v < span; v++) {
      if (counts[v] === 0) continue;
      counts[v] = values.length;
      values.push(v + min);
    }
    for (let r = 0; r < rows; r++) out[r] = counts[column[r] - min];
    const edge = Float64Array.from(values);
    return {low: edge, high: edge.slice()};
  }

  /** Any column: rows in value order by a radix sort, then bins chosen walking that order. */
  private binSorted(column: Float64Array, out: Uint16Array): {low: Float64Array; high: Float64Array} {
    const {rows, sorted} = this;
    const order = this.sorter.sort(column);
    for (let i = 0; i < rows; i++) sorted[i] = column[order[i]];
    const edge = chooseBins(sorted);
    // Rows in value order meet the bins in order: no search.
    for (let i = 0, bin = 0; i < rows; i++) {
      while (sorted[i] > edge.high[bin]) bin++;
      out[order[i]] = bin;
    }
    return edge;
  }
}

/**
 * Row indices in order of their values, by a radix sort on the values' bits (8 passes of a byte, those
 * where every value has the same byte skipped): linear, where sorting and then searching each row's
 * bin took rows x log(rows). Values are finite; -0 counts as 0.
 */
class ValueSorter {
  private readonly low: Uint32Array;
  private readonly high: Uint32Array;
  private readonly order: Uint32Array;
  private readonly spare: Uint32Array;
  private readonly counts = new Uint32Array(8 * 256);
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);

  constructor(private readonly rows: number) {
    this.low = new Uint32Array(rows);
    this.high = new Uint32Array(rows);
    this.order = new Uint32Array(rows);
    this.spare = new Uint32Array(rows);
  }

  /** The rows of `column` in order of value (rows of equal values in row order); valid until the next call. */
  sort(column: Float64Array): Uint32Array {
    const {rows, low, high, counts, bits, words} = this;
    counts.fill(0);
    for (let r = 0; r < rows; r++) {
      bits[0] = column[r] + 0;
      // As unsigned integers in the values' order: negatives flipped whole, positives above them.
      const negative = words[1] >>> 31 === 1;
      const lo = negative ? ~words[0] >>> 0 : words[0];
      const hi = negative ? ~words[1] >>> 0 : (words[1] | 0x80000000) >>> 0;
      low[r] = lo;
      high[r] = hi;
      for (let d = 0; d < 4; d++) {
        counts[d * 256 + ((lo >>> (8 * d)) & 0xff)]++;
        counts[(4 + d) * 256 + ((hi >>> (8 * d)) & 0xff)]++;
      }
    }
    let from = this.order;
    let to = this.spare;
    for (let r = 0; r < rows; r++) from[r] = r;
    for (let d = 0; d < 8; d++) {
      const keys = d < 4 ? low : high;
      const shift = 8 * (d % 4);
      const base = d * 256;
      if (counts[base + ((keys[0] >>> shift) & 0xff)] === rows) continue;
      for (let b = 0, sum = 0; b < 256; b++) {
        const n = counts[base + b];
        counts[base + b] = sum;
        sum += n;
      }
      for (let i = 0; i < rows; i++) {
        const r = from[i];
        to[counts[base + ((keys[r] >>> shift) & 0xff)]++] = r;
      }
      const swapped = from;
      from = to;
      to = swapped;
    }
    return from;
  }
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

/**
 * scikit-learn's threshold between the largest value going left and the smallest going right: their
 * midpoint, or the left value when rounding lands the midpoint on the right one.
 */
export function midpoint(left: number, right: number): number {
  const mid = left / 2 + right / 2;
  return mid === right || mid === Infinity || mid === -Infinity ? left : mid;
}
