/**
 * The network's arithmetic, in one place so that faster kernels (WebAssembly SIMD) can replace it.
 * Every sum runs in a fixed order that does not depend on how many rows a call gets: a row's
 * results are the same bits whichever host computes them and with whichever neighbours. Plain
 * float64 multiply and add (no fused multiply-add in JavaScript), identical on x86 and ARM.
 */

/** out[r][j] = b[j] + sum over k of x[r][k] w[k][j], for `rows` rows; w is k x j row-major at `wAt`. */
export function affine(
  x: Float64Array,
  rows: number,
  inputs: number,
  w: Float64Array,
  wAt: number,
  bAt: number,
  outputs: number,
  out: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * outputs;
    for (let j = 0; j < outputs; j++) out[o + j] = w[bAt + j];
    const xr = r * inputs;
    for (let k = 0; k < inputs; k++) {
      const a = x[xr + k];
      if (a === 0) continue;
      const wk = wAt + k * outputs;
      for (let j = 0; j < outputs; j++) out[o + j] += a * w[wk + j];
    }
  }
}

/** g[k][j] += sum over r of x[r][k] d[r][j]; gb[j] += sum over r of d[r][j] (rows in order). */
export function accumulateWeights(
  x: Float64Array,
  d: Float64Array,
  rows: number,
  inputs: number,
  outputs: number,
  g: Float64Array,
  wAt: number,
  bAt: number,
): void {
  for (let r = 0; r < rows; r++) {
    const dr = r * outputs;
    for (let j = 0; j < outputs; j++) g[bAt + j] += d[dr + j];
    const xr = r * inputs;
    for (let k = 0; k < inputs; k++) {
      const a = x[xr + k];
      if (a === 0) continue;
      const gk = wAt + k * outputs;
      for (let j = 0; j < outputs; j++) g[gk + j] += a * d[dr + j];
    }
  }
}

/** back[r][k] = sum over j of d[r][j] w[k][j]: the error passed to the layer below. */
export function backPropagate(
  d: Float64Array,
  rows: number,
  inputs: number,
  outputs: number,
  w: Float64Array,
  wAt: number,
  back: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const dr = r * outputs;
    for (let k = 0; k < inputs; k++) {
      const wk = wAt + k * outputs;
      let sum = 0;
      for (let j = 0; j < outputs; j++) sum += d[dr + j] * w[wk + j];
      back[r * inputs + k] = sum;
    }
  }
}
