import {KERNELS_WASM} from './binary.generated.js';

/** The WebAssembly kernels' exports (kernels.wat); every address a byte offset into `memory`. */
interface Exports {
  memory: WebAssembly.Memory;
  packRows(src: number, ld: number, m: number, p: number, dst: number): void;
  packColumns(src: number, ld: number, m: number, p: number, dst: number): void;
  gemm(
    panels: number,
    panelStride: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    bias: number,
    m: number,
    n: number,
    p: number,
  ): void;
  columnSums(d: number, ld: number, rows: number, n: number, out: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  relu(at: number, count: number): void;
  reluBack(error: number, values: number, count: number): void;
  addFixedPoint(sum: number, values: number, count: number, scale: number, limit: number): number;
}

// Compiled once per thread: a worker's slots each have their own instance and memory.
let compiled: WebAssembly.Module | undefined;

/** An array in the kernels' memory: its byte address, for the kernels, and a view, for JavaScript. */
export interface Floats<View = Float32Array> {
  at: number;
  length: number;
  view(): View;
}

/** A row-major matrix inside an array: its first element's index and its row length (leading dimension). */
export interface Matrix {
  floats: Floats;
  at: number;
  ld: number;
}

const address = (x: Matrix) => x.floats.at + x.at * 4;

/**
 * A matrix packed in panels of 4 rows (packRows, packColumns): its first panel's element and the
 * elements from one panel to the next (4 p for a whole matrix of p columns; a product may start
 * further in, at some column, to read only some of them).
 */
export interface Packed {
  floats: Floats;
  at: number;
  stride: number;
}

/** Floats a matrix of m x p takes packed in panels of 4 rows. */
export const packedLength = (m: number, p: number) => Math.ceil(m / 4) * 4 * p;

/**
 * One instance of the kernels with a memory of its own, and the arrays laid out in it. Arrays are
 * allocated before any kernel runs; the memory grows only then (a view taken before it grew is
 * stale, so views are taken when used).
 */
export class Kernels {
  private readonly exports: Exports;
  // Address 0 means "no bias" to gemm: nothing is ever allocated there.
  private next = 16;

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM, 'base64'));
    this.exports = new WebAssembly.Instance(compiled, {}).exports as unknown as Exports;
  }

  /** A new array of `length` float32s, 16-byte aligned, zeroed. */
  allocate(length: number): Floats {
    const at = this.reserve(length * 4);
    return {at, length, view: () => new Float32Array(this.exports.memory.buffer, at, length)};
  }

  /** A new array of `length` float64s, 16-byte aligned, zeroed. */
  allocateDoubles(length: number): Floats<Float64Array> {
    const at = this.reserve(length * 8);
    return {at, length, view: () => new Float64Array(this.exports.memory.buffer, at, length)};
  }

  private reserve(bytes: number): number {
    const at = this.next;
    this.next += Math.ceil(bytes / 16) * 16;
    const {memory} = this.exports;
    const missing = this.next - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return at;
  }

  /** dst = A (m x p, row-major) packed in panels of 4 rows, for gemm. */
  packRows(a: Matrix, m: number, p: number, dst: Floats): void {
    this.exports.packRows(address(a), a.ld, m, p, dst.at);
  }

  /** dst = A packed, where A (m x p) is src (p x m, row-major) transposed. */
  packColumns(src: Matrix, m: number, p: number, dst: Floats): void {
    this.exports.packColumns(address(src), src.ld, m, p, dst.at);
  }

  /** C (m x n) = bias (or 0) + A B, every element's sum k ascending; A (m x p) packed, B (p x n). */
  gemm(a: Packed, b: Matrix, c: Matrix, bias: Matrix | undefined, m: number, n: number, p: number): void {
    const {exports} = this;
    exports.gemm(
      a.floats.at + a.at * 4,
      a.stride * 4,
      address(b),
      b.ld,
      address(c),
      c.ld,
      bias ? address(bias) : 0,
      m,
      n,
      p,
    );
  }

  /** out[j] = the sum of d's rows, row 0 first. */
  columnSums(d: Matrix, rows: number, n: number, out: Matrix): void {
    this.exports.columnSums(address(d), d.ld, rows, n, address(out));
  }

  /** dst (cols x rows) = src (rows x cols) transposed. */
  transpose(src: Matrix, rows: number, cols: number, dst: Floats): void {
    this.exports.transpose(address(src), rows, cols, dst.at);
  }

  relu(values: Floats, count: number): void {
    this.exports.relu(values.at, count);
  }

  /** error = value > 0 ? error : 0. */
  reluBack(error: Floats, values: Floats, count: number): void {
    this.exports.reluBack(error.at, values.at, count);
  }

  /** sum += round(values x scale), ties to even, clamped to +-limit, NaN as 0; how many were clamped. */
  addFixedPoint(
    sum: Floats<Float64Array>,
    sumAt: number,
    values: Floats,
    count: number,
    scale: number,
    limit: number,
  ): number {
    return this.exports.addFixedPoint(sum.at + sumAt * 8, values.at, count, scale, limit);
  }
}
