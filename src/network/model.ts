import {Random} from '../data/random.js';
import {affine} from './kernels.js';
import type {Activation} from './spec.js';

/**
 * A network's layer sizes, input first and classes last, and where each layer's weights and biases
 * lie in the one Float64Array of its parameters: per layer, W (inputs x outputs, row-major) then b.
 */
export class Shape {
  readonly weightsAt: number[] = [];
  readonly biasesAt: number[] = [];
  readonly parameters: number;

  constructor(readonly sizes: readonly number[]) {
    let at = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.weightsAt.push(at);
      at += sizes[l] * sizes[l + 1];
      this.biasesAt.push(at);
      at += sizes[l + 1];
    }
    this.parameters = at;
  }

  static of(features: number, layers: readonly number[], classes: number): Shape {
    return new Shape([features, ...layers, classes]);
  }

  get layers(): number {
    return this.sizes.length - 1;
  }

  get classes(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** The widest layer, for buffers that hold any layer's values. */
  get widest(): number {
    return Math.max(...this.sizes);
  }
}

/**
 * Initial weights and biases from the seed, uniform in +-sqrt(6 / (fan in + fan out)) as
 * scikit-learn's MLPClassifier draws them (Glorot), in parameter order.
 */
export function initialParameters(shape: Shape, seed: number): Float64Array {
  const random = new Random(seed);
  const parameters = new Float64Array(shape.parameters);
  for (let l = 0; l < shape.layers; l++) {
    const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
    const bound = Math.sqrt(6 / (inputs + outputs));
    const end = shape.biasesAt[l] + outputs;
    for (let i = shape.weightsAt[l]; i < end; i++) parameters[i] = random.uniform(-bound, bound);
  }
  return parameters;
}

/** Buffers for the values of every layer of up to `rows` rows, reused from call to call. */
export class Workspace {
  /** values[l]: layer l's outputs after its activation (values[0] unused: the input rows). */
  readonly values: Float64Array[];
  readonly errors: Float64Array[];

  constructor(
    readonly shape: Shape,
    readonly rows: number,
  ) {
    this.values = shape.sizes.map((size) => new Float64Array(rows * size));
    this.errors = shape.sizes.map((size) => new Float64Array(rows * size));
  }
}

/**
 * The class probabilities of `rows` rows (x, row-major) in the workspace's last layer. Softmax
 * uses Math.exp, which V8 computes in software (its port of fdlibm), so the same bits on x86 and
 * ARM and from one Node.js to another; tanh likewise.
 */
export function forward(
  parameters: Float64Array,
  activation: Activation,
  x: Float64Array,
  rows: number,
  space: Workspace,
): Float64Array {
  const {shape} = space;
  let input = x;
  for (let l = 0; l < shape.layers; l++) {
    const [inputs, outputs] = [shape.sizes[l], shape.sizes[l + 1]];
    const out = space.values[l + 1];
    affine(input, rows, inputs, parameters, shape.weightsAt[l], shape.biasesAt[l], outputs, out);
    if (l + 1 < shape.layers) activate(out, rows * outputs, activation);
    else softmax(out, rows, outputs);
    input = out;
  }
  return space.values[shape.layers];
}

function activate(values: Float64Array, count: number, activation: Activation): void {
  if (activation === 'relu') {
    for (let i = 0; i < count; i++) if (values[i] < 0) values[i] = 0;
  } else {
    for (let i = 0; i < count; i++) values[i] = Math.tanh(values[i]);
  }
}

function softmax(values: Float64Array, rows: number, classes: number): void {
  for (let r = 0; r < rows; r++) {
    const at = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, values[at + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += values[at + c] = Math.exp(values[at + c] - max);
    for (let c = 0; c < classes; c++) values[at + c] /= sum;
  }
}
