/**
 * The WebAssembly kernels (kernels.wat) in plain TypeScript, operation for operation: each product
 * and each sum rounded to float32 on its own (Math.fround), sums in the same order. The tests check
 * the WebAssembly results against these to the last bit.
 */

/** c[i*ldc+j] = (bias ? bias[j] : 0) + sum over k < p of a[i*lda+k] * b[k*ldb+j]. */
export function gemmReference(
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  c: Float32Array,
  ldc: number,
  bias: Float32Array | undefined,
  m: number,
  n: number,
  p: number,
): void {
  const f = Math.fround;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[j] : 0;
      for (let k = 0; k < p; k++) sum = f(sum + f(a[i * lda + k] * b[k * ldb + j]));
      c[i * ldc + j] = sum;
    }
}

export function transposeReference(src: Float32Array, rows: number, cols: number, dst: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
}

export function reluReference(values: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) if (values[i] < 0) values[i] = 0;
}

export function reluBackReference(error: Float32Array, values: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) if (!(values[i] > 0)) error[i] = 0;
}

/** Rounds to the nearest integer, ties to even (WebAssembly's nearest; Math.round takes ties up). */
export function nearest(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function addFixedPointReference(sum: Float64Array, values: Float32Array, scale: number, limit: number): number {
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    const scaled = nearest(values[i] * scale);
    const kept = Number.isNaN(scaled) ? 0 : Math.min(Math.max(scaled, -limit), limit);
    if (kept !== scaled) clamped++;
    sum[i] += kept;
  }
  return clamped;
}

export function columnSumsReference(d: Float32Array, ld: number, rows: number, n: number, out: Float32Array): void {
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum = Math.fround(sum + d[r * ld + j]);
    out[j] = sum;
  }
}
