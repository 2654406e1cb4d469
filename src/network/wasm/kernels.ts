import {KERNELS_WASM} from './binary.generated.js';

/** The WebAssembly kernels' exports (kernels.wat); every address a byte offset into `memory`. */
interface Exports {
  memory: WebAssembly.Memory;
  gemm(
    a: number,
    lda: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
    bias: number,
    m: number,
    n: number,
    p: number,
  ): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  relu(at: number, count: number): void;
  reluBack(error: number, values: number, count: number): void;
}

// Compiled once per thread: a worker's slots each have their own instance and memory.
let compiled: WebAssembly.Module | undefined;

/** A float32 array in the kernels' memory: its byte address, for the kernels, and a view, for JavaScript. */
export interface Floats {
  at: number;
  length: number;
  view(): Float32Array;
}

/** A row-major matrix inside an array: its first element's index and its row length (leading dimension). */
export interface Matrix {
  floats: Floats;
  at: number;
  ld: number;
}

/**
 * One instance of the kernels with a memory of its own, and the float32 arrays laid out in it.
 * Arrays are allocated once, before any kernel runs (the memory grows only then, so views stay valid).
 */
export class Kernels {
  private readonly exports: Exports;
  // Address 0 means "no bias" to gemm: nothing is ever allocated there.
  private next = 16;

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM, 'base64'));
    this.exports = new WebAssembly.Instance(compiled, {}).exports as unknown as Exports;
  }

  /** A new array of `length` floats, 16-byte aligned, zeroed. */
  allocate(length: number): Floats {
    const at = this.next;
    this.next += Math.ceil((length * 4) / 16) * 16;
    const {memory} = this.exports;
    const missing = this.next - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return {at, length, view: () => new Float32Array(this.exports.memory.buffer, at, length)};
  }

  /** C (m x n) = bias (or 0) + A (m x p) B (p x n), every element's sum k ascending. */
  gemm(a: Matrix, b: Matrix, c: Matrix, bias: Matrix | undefined, m: number, n: number, p: number): void {
    const address = (x: Matrix) => x.floats.at + x.at * 4;
    this.exports.gemm(address(a), a.ld, address(b), b.ld, address(c), c.ld, bias ? address(bias) : 0, m, n, p);
  }

  /** dst (cols x rows) = src (rows x cols) transposed. */
  transpose(src: Floats, srcAt: number, rows: number, cols: number, dst: Floats, dstAt: number): void {
    this.exports.transpose(src.at + srcAt * 4, rows, cols, dst.at + dstAt * 4);
  }

  relu(values: Floats, count: number): void {
    this.exports.relu(values.at, count);
  }

  /** error = value > 0 ? error : 0. */
  reluBack(error: Floats, values: Floats, count: number): void {
    this.exports.reluBack(error.at, values.at, count);
  }
}
