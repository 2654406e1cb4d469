/**
 * The forward pass of prediction, in float64 (training runs in float32 in the WebAssembly kernels,
 * src/network/wasm). Every sum runs in a fixed order that does not depend on how many rows a call gets: a row's
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
