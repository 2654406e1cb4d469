import {BLOCK_ROWS, BlockPass} from './block-pass.js';
import type {Shape} from './model.js';
import type {Activation} from './spec.js';

/**
 * The class probabilities of each row of `x` (rows x classes), through the same float32
 * WebAssembly kernels as training, so a prediction is the same bits on every architecture.
 */
export function classProbabilities(
  parameters: Float64Array,
  shape: Shape,
  activation: Activation,
  x: Float64Array,
  rows: number,
): Float64Array {
  const pass = new BlockPass(shape, activation, {features: shape.sizes[0], values: x, labels: new Int32Array(0)});
  pass.load(parameters);
  const out = new Float64Array(rows * shape.classes);
  for (let from = 0; from < rows; from += BLOCK_ROWS)
    out.set(pass.probabilities(from, Math.min(BLOCK_ROWS, rows - from)), from * shape.classes);
  return out;
}

/** The most probable class of each row of `x` (the first of equals). */
export function predictClasses(
  parameters: Float64Array,
  shape: Shape,
  activation: Activation,
  x: Float64Array,
  rows: number,
): Int32Array {
  const p = classProbabilities(parameters, shape, activation, x, rows);
  const {classes} = shape;
  const predicted = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[r * classes + c] > p[r * classes + best]) best = c;
    predicted[r] = best;
  }
  return predicted;
}
