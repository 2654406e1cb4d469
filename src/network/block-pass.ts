import type {Dataset} from '../data/dataset.js';
import type {Shape} from './model.js';
import type {Activation} from './spec.js';
import {type Floats, Kernels, type Matrix, packedLength} from './wasm/kernels.js';

/** Rows of one chunk: the unit whose gradient is rounded to fixed point (see gradient.ts). */
// CHUNK_ROWS of gradient.ts (which imports this file).
const CHUNK = 32;
/** Chunks computed together: forward and backward run on all their rows at once (a row's results do not depend on its neighbours). */
export const BLOCK_CHUNKS = 8;
export const BLOCK_ROWS = BLOCK_CHUNKS * CHUNK;
/**
 * Rows of a layer's weight gradient summed to fixed point at a time, chunk after chunk: their
 * float64 sums (16 x outputs) stay in the cache while every chunk adds to them.
 */
const SLAB = 16;

const matrix = (floats: Floats, ld: number, at = 0): Matrix => ({floats, at, ld});

/**
 * The forward and backward pass of a block of up to BLOCK_CHUNKS chunks, in float32 in the
 * WebAssembly kernels (the same bits on every architecture), adding each chunk's gradient to a
 * fixed-point float64 sum. Its arrays live in one instance's memory, made once.
 */
export class BlockPass {
  private readonly kernels = new Kernels();
  private readonly parameters: Floats;
  /** transposed[l]: layer l's weights as outputs x inputs, for the error passed down (l >= 1). */
  private readonly transposed: Floats[];
  /** values[l], errors[l]: layer l's outputs and their errors (values[0]: the input rows). */
  private readonly values: Floats[];
  private readonly errors: Floats[];
  /** The left-hand side of the product in hand, packed in panels of 4 rows. */
  private readonly panels: Floats;
  /** One slab of a chunk's weight gradient, or one chunk's bias gradient, in float32. */
  private readonly slab: Floats;
  /** The fixed-point sum of the chunks' gradients, one value per parameter. */
  readonly sum: Floats<Float64Array>;

  constructor(
    private readonly shape: Shape,
    private readonly activation: Activation,
    private readonly data: Pick<Dataset, 'features' | 'values' | 'labels'>,
  ) {
    const {kernels} = this;
    const {sizes} = shape;
    this.parameters = kernels.allocate(shape.parameters);
    this.transposed = sizes.slice(0, -1).map((inputs, l) => kernels.allocate(l === 0 ? 0 : inputs * sizes[l + 1]));
    this.values = sizes.map((size) => kernels.allocate(BLOCK_ROWS * size));
    this.errors = sizes.map((size, l) => kernels.allocate(l === 0 ? 0 : BLOCK_ROWS * size));
    const panels = sizes.map((size) => Math.max(packedLength(BLOCK_ROWS, size), packedLength(size, BLOCK_ROWS)));
    this.panels = kernels.allocate(Math.max(...panels));
    this.slab = kernels.allocate(SLAB * shape.widest);
    this.sum = kernels.allocateDoubles(shape.parameters);
  }

  /** A step's parameters as float32, and each layer's weights transposed for the backward pass. */
  load(parameters: Float64Array): void {
    const {shape, kernels} = this;
    const into = this.parameters.view();
    // A loop, not set(): see forward.
    for (let i = 0; i < parameters.length; i++) into[i] = parameters[i];
    for (let l = 1; l < shape.layers; l++) {
      const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
      kernels.transpose(matrix(this.parameters, outputs, shape.weightsAt[l]), inputs, outputs, this.transposed[l]);
    }
  }

  /**
   * Adds the fixed-point gradients of the chunks of rows order[start..end) (CHUNK rows each, the
   * last maybe fewer; at most BLOCK_ROWS rows) to `sum`; each chunk's summed cross-entropy, in order.
   */
  add(
    order: ArrayLike<number>,
    start: number,
    end: number,
    scale: number,
    limit: number,
  ): {losses: number[]; clamped: number} {
    const rows = end - start;
    this.forward(order, start, rows);
    const losses = this.topErrors(order, start, rows);
    return {losses, clamped: this.backward(rows, scale, limit)};
  }

  /**
   * The class probabilities of rows [start, start + rows) of the data, in order (at most
   * BLOCK_ROWS): a view into the kernels' memory, valid until the next call.
   */
  probabilities(start: number, rows: number): Float32Array {
    this.forward(undefined, start, rows);
    return this.values[this.shape.layers].view().subarray(0, rows * this.shape.classes);
  }

  /** The rows order[start..start + rows) (or the rows from start, without an order) through every layer. */
  private forward(order: ArrayLike<number> | undefined, start: number, rows: number): void {
    const {shape, kernels, parameters} = this;
    const {features} = this.data;
    const x = this.values[0].view();
    const {values} = this.data;
    // A plain loop: V8's TypedArray.prototype.set from float64 into float32 is several times slower.
    for (let i = 0; i < rows; i++) {
      const from = (order ? order[start + i] : start + i) * features;
      const to = i * features;
      for (let k = 0; k < features; k++) x[to + k] = values[from + k];
    }
    for (let l = 0; l < shape.layers; l++) {
      const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
      const out = this.values[l + 1];
      kernels.packRows(matrix(this.values[l], inputs), rows, inputs, this.panels);
      kernels.gemm(
        {floats: this.panels, at: 0, stride: 4 * inputs},
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

  /** The top layer's error (probability less the one-hot label) and each chunk's cross-entropy. */
  private topErrors(order: ArrayLike<number>, start: number, rows: number): number[] {
    const {classes} = this.shape;
    const p = this.values[this.shape.layers].view();
    const top = this.errors[this.shape.layers].view();
    const losses: number[] = [];
    for (let from = 0; from < rows; from += CHUNK) {
      let loss = 0;
      for (let i = from; i < Math.min(rows, from + CHUNK); i++) {
        const label = this.data.labels[order[start + i]];
        for (let c = 0; c < classes; c++) top[i * classes + c] = p[i * classes + c] - (c === label ? 1 : 0);
        loss -= Math.log(Math.max(p[i * classes + label], 1e-300));
      }
      losses.push(loss);
    }
    return losses;
  }

  /** The layers' gradients, last layer first: weights, biases, then the error passed below; values clamped. */
  private backward(rows: number, scale: number, limit: number): number {
    const {shape, kernels} = this;
    let clamped = 0;
    for (let l = shape.layers - 1; l >= 0; l--) {
      const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
      const error = matrix(this.errors[l + 1], outputs);
      clamped += this.weightGradients(l, rows, scale, limit);
      for (let from = 0; from < rows; from += CHUNK) {
        const count = Math.min(CHUNK, rows - from);
        kernels.columnSums({...error, at: from * outputs}, count, outputs, matrix(this.slab, outputs));
        clamped += kernels.addFixedPoint(this.sum, shape.biasesAt[l], this.slab, outputs, scale, limit);
      }
      if (l === 0) break;
      const below = this.errors[l];
      kernels.packRows(error, rows, outputs, this.panels);
      kernels.gemm(
        {floats: this.panels, at: 0, stride: 4 * outputs},
        matrix(this.transposed[l], inputs),
        matrix(below, inputs),
        undefined,
        rows,
        inputs,
        outputs,
      );
      if (this.activation === 'relu') kernels.reluBack(below, this.values[l], rows * inputs);
      else tanhBack(below.view(), this.values[l].view(), rows * inputs);
    }
    return clamped;
  }

  /**
   * Layer l's weight gradient, chunk by chunk: its input transposed (packed whole) times its error,
   * over one chunk's rows at a time, each rounded to fixed point and added, a slab of rows at a time.
   */
  private weightGradients(l: number, rows: number, scale: number, limit: number): number {
    const {shape, kernels} = this;
    const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
    kernels.packColumns(matrix(this.values[l], inputs), inputs, rows, this.panels);
    let clamped = 0;
    for (let s = 0; s < inputs; s += SLAB) {
      const slabRows = Math.min(SLAB, inputs - s);
      for (let from = 0; from < rows; from += CHUNK) {
        const count = Math.min(CHUNK, rows - from);
        // Panel s/4 begins at element (s / 4) * 4 * rows; the chunk's columns `from` further in.
        const a = {floats: this.panels, at: s * rows + 4 * from, stride: 4 * rows};
        kernels.gemm(
          a,
          matrix(this.errors[l + 1], outputs, from * outputs),
          matrix(this.slab, outputs),
          undefined,
          slabRows,
          outputs,
          count,
        );
        clamped += kernels.addFixedPoint(
          this.sum,
          shape.weightsAt[l] + s * outputs,
          this.slab,
          slabRows * outputs,
          scale,
          limit,
        );
      }
    }
    return clamped;
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
