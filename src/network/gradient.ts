import type {Dataset} from '../data/dataset.js';
import type {Shape} from './model.js';
import type {Activation} from './spec.js';
import {type Floats, Kernels, type Matrix, packedLength} from './wasm/kernels.js';

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

/** The arrays of a chunk's forward and backward pass, in one instance's memory. */
class ChunkSpace {
  readonly parameters: Floats;
  /** transposed[l]: layer l's weights as outputs x inputs, for the error passed down (l >= 1). */
  readonly transposed: Floats[];
  /** values[l], errors[l]: layer l's outputs and their errors, CHUNK_ROWS rows (values[0]: the input rows). */
  readonly values: Floats[];
  readonly errors: Floats[];
  /** The left-hand side of the product being computed, packed in panels of 4 rows. */
  readonly panels: Floats;
  readonly gradient: Floats;
  /** The fixed-point sum of the chunks' gradients. */
  readonly sum: Floats<Float64Array>;

  constructor(
    readonly kernels: Kernels,
    shape: Shape,
  ) {
    const {sizes} = shape;
    this.parameters = kernels.allocate(shape.parameters);
    this.transposed = sizes.slice(0, -1).map((inputs, l) => kernels.allocate(l === 0 ? 0 : inputs * sizes[l + 1]));
    this.values = sizes.map((size) => kernels.allocate(CHUNK_ROWS * size));
    this.errors = sizes.map((size, l) => kernels.allocate(l === 0 ? 0 : CHUNK_ROWS * size));
    const panels = sizes.map((size) => Math.max(packedLength(CHUNK_ROWS, size), packedLength(size, CHUNK_ROWS)));
    this.panels = kernels.allocate(Math.max(...panels));
    this.gradient = kernels.allocate(shape.parameters);
    this.sum = kernels.allocateDoubles(shape.parameters);
  }
}

const matrix = (floats: Floats, ld: number, at = 0): Matrix => ({floats, at, ld});

/**
 * Computes chunk gradients on one host, with buffers reused across chunks and steps. The arithmetic
 * is float32 in the WebAssembly kernels (the same bits on every architecture); the parameters, the
 * sums of chunks and the optimizer stay float64.
 */
export class GradientComputer {
  private readonly space: ChunkSpace;

  constructor(
    private readonly shape: Shape,
    private readonly activation: Activation,
    private readonly data: Pick<Dataset, 'rows' | 'features' | 'values' | 'labels'>,
  ) {
    this.space = new ChunkSpace(new Kernels(), shape);
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
    const {space} = this;
    this.load(parameters);
    space.sum.view().fill(0);
    let loss = 0;
    let rows = 0;
    let clamped = 0;
    for (let c = first; c < last; c++) {
      const start = from + c * CHUNK_ROWS;
      const end = Math.min(to, start + CHUNK_ROWS);
      if (start >= end) break;
      const chunkLoss = this.chunkGradient(order, start, end);
      clamped += space.kernels.addFixedPoint(space.sum, space.gradient, FIXED_POINT_SCALE, limit);
      loss += toFixedPoint(chunkLoss, limit);
      rows += end - start;
    }
    sum.set(space.sum.view());
    return {sum, loss, rows, clamped};
  }

  /** The step's parameters as float32, and each layer's weights transposed for the backward pass. */
  private load(parameters: Float64Array): void {
    const {shape, space} = this;
    space.parameters.view().set(parameters);
    for (let l = 1; l < shape.layers; l++)
      space.kernels.transpose(
        matrix(space.parameters, shape.sizes[l + 1], shape.weightsAt[l]),
        shape.sizes[l],
        shape.sizes[l + 1],
        space.transposed[l],
      );
  }

  /** The gradient of the summed cross-entropy of rows order[start..end) into the space's gradient; their loss. */
  private chunkGradient(order: ArrayLike<number>, start: number, end: number): number {
    const {shape, space, data} = this;
    const rows = end - start;
    const {features} = data;
    const x = space.values[0].view();
    for (let i = 0; i < rows; i++) {
      const row = order[start + i];
      x.set(data.values.subarray(row * features, (row + 1) * features), i * features);
    }
    this.forward(rows);
    const classes = shape.classes;
    const p = space.values[shape.layers].view();
    const top = space.errors[shape.layers].view();
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const label = data.labels[order[start + i]];
      for (let c = 0; c < classes; c++) top[i * classes + c] = p[i * classes + c] - (c === label ? 1 : 0);
      loss -= Math.log(Math.max(p[i * classes + label], 1e-300));
    }
    this.backward(rows);
    return loss;
  }

  private forward(rows: number): void {
    const {shape, space} = this;
    const {kernels, parameters, panels} = space;
    for (let l = 0; l < shape.layers; l++) {
      const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
      const out = space.values[l + 1];
      kernels.packRows(matrix(space.values[l], inputs), rows, inputs, panels);
      kernels.gemm(
        panels,
        matrix(parameters, outputs, shape.weightsAt[l]),
        matrix(out, outputs),
        matrix(parameters, outputs, shape.biasesAt[l]),
        rows,
        outputs,
        inputs,
      );
      if (l + 1 === shape.layers) softmax(out.view(), rows, outputs);
      else if (this.activation === 'relu') kernels.relu(out, rows * outputs);
      else tanh(out.view(), rows * outputs);
    }
  }

  /** The layers' gradients, last layer first: weights (input transposed times error), biases, then the error below. */
  private backward(rows: number): void {
    const {shape, space} = this;
    const {kernels, gradient, panels} = space;
    for (let l = shape.layers - 1; l >= 0; l--) {
      const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
      const error = matrix(space.errors[l + 1], outputs);
      kernels.packColumns(matrix(space.values[l], inputs), inputs, rows, panels);
      kernels.gemm(panels, error, matrix(gradient, outputs, shape.weightsAt[l]), undefined, inputs, outputs, rows);
      kernels.columnSums(error, rows, outputs, matrix(gradient, outputs, shape.biasesAt[l]));
      if (l === 0) break;
      const below = space.errors[l];
      kernels.packRows(error, rows, outputs, panels);
      kernels.gemm(
        panels,
        matrix(space.transposed[l], inputs),
        matrix(below, inputs),
        undefined,
        rows,
        inputs,
        outputs,
      );
      if (this.activation === 'relu') kernels.reluBack(below, space.values[l], rows * inputs);
      else tanhBack(below.view(), space.values[l].view(), rows * inputs);
    }
  }
}

/**
 * Softmax in float64 (Math.exp is V8's software fdlibm port: the same bits on x86 and ARM), each
 * probability then rounded to float32 where it is stored.
 */
function softmax(values: Float32Array, rows: number, classes: number): void {
  for (let r = 0; r < rows; r++) {
    const at = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, values[at + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(values[at + c] - max);
    for (let c = 0; c < classes; c++) values[at + c] = Math.exp(values[at + c] - max) / sum;
  }
}

function tanh(values: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) values[i] = Math.tanh(values[i]);
}

/** error *= 1 - v^2, each step rounded to float32 as the kernels round. */
function tanhBack(error: Float32Array, values: Float32Array, count: number): void {
  const f = Math.fround;
  for (let i = 0; i < count; i++) error[i] = f(error[i] * f(1 - f(values[i] * values[i])));
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
