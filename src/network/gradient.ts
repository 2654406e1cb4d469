import type {Dataset} from '../data/dataset.js';
import {accumulateWeights, backPropagate} from './kernels.js';
import {forward, type Shape, Workspace} from './model.js';
import type {Activation} from './spec.js';

/**
 * Rows of a chunk: the unit of work a batch is cut into, whatever the number of hosts. Its gradient
 * is computed in row order on one host, so it is the same bits wherever it is computed.
 */
export const CHUNK_ROWS = 32;

/**
 * Chunk gradients are added as integers (the gradient times 2^30, rounded) held in float64: sums of
 * integers below 2^53 are exact, so they come out the same in any order, whichever host adds which
 * chunks and however a ring or the coordinator combines the hosts' sums. 2^-30 (1e-9) is far below
 * what the update can see.
 */
export const FIXED_POINT_SCALE = 2 ** 30;

/** The largest value a chunk's fixed-point gradient may hold so that `chunks` of them still add exactly. */
export function chunkLimit(chunks: number): number {
  return Math.floor(Number.MAX_SAFE_INTEGER / Math.max(1, chunks));
}

/** One host's share of a step's gradient: the fixed-point sum of its chunks, the loss's too. */
export interface PartialGradient {
  /** Fixed-point sum over the host's chunks, one value per parameter. */
  sum: Float64Array;
  /** Fixed-point sum of the chunks' cross-entropy. */
  loss: number;
  rows: number;
  /** Values clamped to the chunk limit (gradients that exploded); 0 in a healthy run. */
  clamped: number;
}

/** Computes chunk gradients on one host, with buffers reused across chunks and steps. */
export class GradientComputer {
  private readonly space: Workspace;
  private readonly x: Float64Array;
  private readonly chunk: Float64Array;

  constructor(
    private readonly shape: Shape,
    private readonly activation: Activation,
    private readonly data: Pick<Dataset, 'rows' | 'features' | 'values' | 'labels'>,
  ) {
    this.space = new Workspace(shape, CHUNK_ROWS);
    this.x = new Float64Array(CHUNK_ROWS * data.features);
    this.chunk = new Float64Array(shape.parameters);
  }

  /**
   * The fixed-point sum of the gradients of chunks [first, last) of a batch whose rows are
   * `order[from..to)`, each chunk CHUNK_ROWS rows from `from` (the last may be shorter), into `sum`
   * (cleared first; a new array unless given, so a caller that keeps one allocates nothing per step).
   */
  partial(
    parameters: Float64Array,
    order: ArrayLike<number>,
    from: number,
    to: number,
    first: number,
    last: number,
    limit: number,
    sum: Float64Array = new Float64Array(this.shape.parameters),
  ): PartialGradient {
    sum.fill(0);
    let loss = 0;
    let rows = 0;
    let clamped = 0;
    for (let c = first; c < last; c++) {
      const start = from + c * CHUNK_ROWS;
      const end = Math.min(to, start + CHUNK_ROWS);
      if (start >= end) break;
      const chunkLoss = this.chunkGradient(parameters, order, start, end);
      clamped += addFixedPoint(sum, this.chunk, limit);
      loss += toFixedPoint(chunkLoss, limit);
      rows += end - start;
    }
    return {sum, loss, rows, clamped};
  }

  /** The float gradient of the summed cross-entropy of rows order[start..end) into this.chunk; their loss. */
  private chunkGradient(parameters: Float64Array, order: ArrayLike<number>, start: number, end: number): number {
    const {shape, space, data, x} = this;
    const rows = end - start;
    const features = data.features;
    for (let i = 0; i < rows; i++) {
      const row = order[start + i];
      x.set(data.values.subarray(row * features, (row + 1) * features), i * features);
    }
    const p = forward(parameters, this.activation, x, rows, space);
    const classes = shape.classes;
    const top = space.errors[shape.layers];
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const label = data.labels[order[start + i]];
      for (let c = 0; c < classes; c++) top[i * classes + c] = p[i * classes + c] - (c === label ? 1 : 0);
      loss -= Math.log(Math.max(p[i * classes + label], 1e-300));
    }
    this.chunk.fill(0);
    this.backward(parameters, rows);
    return loss;
  }

  private backward(parameters: Float64Array, rows: number): void {
    const {shape, space, x} = this;
    for (let l = shape.layers - 1; l >= 0; l--) {
      const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
      const input = l === 0 ? x : space.values[l];
      const error = space.errors[l + 1];
      accumulateWeights(input, error, rows, inputs, outputs, this.chunk, shape.weightsAt[l], shape.biasesAt[l]);
      if (l === 0) break;
      const below = space.errors[l];
      backPropagate(error, rows, inputs, outputs, parameters, shape.weightsAt[l], below);
      this.derive(below, space.values[l], rows * inputs);
    }
  }

  /** The error through the activation: relu passes it where the unit was on, tanh scales it by 1 - v^2. */
  private derive(error: Float64Array, values: Float64Array, count: number): void {
    if (this.activation === 'relu') {
      for (let i = 0; i < count; i++) if (values[i] <= 0) error[i] = 0;
    } else {
      for (let i = 0; i < count; i++) error[i] *= 1 - values[i] * values[i];
    }
  }
}

function toFixedPoint(value: number, limit: number): number {
  const scaled = Math.round(value * FIXED_POINT_SCALE);
  return scaled > limit ? limit : scaled < -limit ? -limit : scaled;
}

/** into += the fixed-point form of `values`; how many values were clamped. */
function addFixedPoint(into: Float64Array, values: Float64Array, limit: number): number {
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    let scaled = Math.round(values[i] * FIXED_POINT_SCALE);
    if (scaled > limit || scaled < -limit || Number.isNaN(scaled)) {
      scaled = Number.isNaN(scaled) ? 0 : scaled > 0 ? limit : -limit;
      clamped++;
    }
    into[i] += scaled;
  }
  return clamped;
}

/** Adds one host's fixed-point sum into another's: exact, so in any order. */
export function addPartial(into: PartialGradient, other: PartialGradient): void {
  for (let i = 0; i < into.sum.length; i++) into.sum[i] += other.sum[i];
  into.loss += other.loss;
  into.rows += other.rows;
  into.clamped += other.clamped;
}
