import type {Dataset} from '../data/dataset.js';
import {BLOCK_CHUNKS, BlockPass} from './block-pass.js';
import type {Shape} from './model.js';
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

/**
 * Computes a host's chunk gradients (in BlockPass's WebAssembly kernels, float32), with buffers
 * reused across chunks and steps; the parameters, the sums and the optimizer stay float64.
 */
export class GradientComputer {
  private readonly pass: BlockPass;

  constructor(
    private readonly shape: Shape,
    activation: Activation,
    data: Pick<Dataset, 'rows' | 'features' | 'values' | 'labels'>,
  ) {
    this.pass = new BlockPass(shape, activation, data);
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
    const {pass} = this;
    pass.load(parameters);
    pass.sum.view().fill(0);
    let loss = 0;
    let rows = 0;
    let clamped = 0;
    for (let c = first; c < last; c += BLOCK_CHUNKS) {
      const start = from + c * CHUNK_ROWS;
      const end = Math.min(to, from + Math.min(last, c + BLOCK_CHUNKS) * CHUNK_ROWS);
      if (start >= end) break;
      const block = pass.add(order, start, end, FIXED_POINT_SCALE, limit);
      for (const chunkLoss of block.losses) loss += toFixedPoint(chunkLoss, limit);
      clamped += block.clamped;
      rows += end - start;
    }
    sum.set(pass.sum.view());
    return {sum, loss, rows, clamped};
  }
}

function toFixedPoint(value: number, limit: number): number {
  const scaled = Math.round(value * FIXED_POINT_SCALE);
  return scaled > limit ? limit : scaled < -limit ? -limit : scaled;
}

/** Adds one host's fixed-point sum into another's: exact, so in any order. */
export function addPartial(into: PartialGradient, other: PartialGradient): void {
  for (let i = 0; i < into.sum.length; i++) into.sum[i] += other.sum[i];
  into.loss += other.loss;
  into.rows += other.rows;
  into.clamped += other.clamped;
}
