import {FIXED_POINT_SCALE} from './gradient.js';
import type {Shape} from './model.js';
import type {NetworkSpec} from './spec.js';

/**
 * The update every host applies alike: from the step's exact fixed-point gradient sum, the mean
 * gradient plus the L2 penalty on the weights (scikit-learn's alpha), then SGD with momentum or
 * Adam as scikit-learn's MLPClassifier does them. Its state is part of what must be the same on
 * every host, so it holds no value that depends on the order of anything.
 */
export class Optimizer {
  private readonly first: Float64Array;
  private readonly second: Float64Array;
  /** beta1^t and beta2^t by repeated products, not Math.pow: the same bits everywhere. */
  private beta1Power = 1;
  private beta2Power = 1;
  /** [from, to, penalised]: each layer's weights (with the L2 penalty), then its biases (without). */
  private readonly ranges: [number, number, boolean][] = [];

  constructor(
    private readonly spec: NetworkSpec,
    shape: Shape,
  ) {
    this.first = new Float64Array(shape.parameters);
    this.second = new Float64Array(shape.parameters);
    for (let l = 0; l < shape.layers; l++) {
      this.ranges.push([shape.weightsAt[l], shape.biasesAt[l], true]);
      this.ranges.push([shape.biasesAt[l], shape.biasesAt[l] + shape.sizes[l + 1], false]);
    }
  }

  /**
   * Applies one step's update to `parameters` from the fixed-point gradient `sum` over `rows` rows:
   * one pass over the arrays (they are megabytes: the pass is bound by memory, not arithmetic).
   */
  step(parameters: Float64Array, sum: Float64Array, rows: number): void {
    const adam = this.spec.optimizer === 'adam';
    let rate = this.spec.learningRate;
    if (adam) {
      this.beta1Power *= 0.9;
      this.beta2Power *= 0.999;
      rate = (rate * Math.sqrt(1 - this.beta2Power)) / (1 - this.beta1Power);
    }
    for (const [from, to, penalised] of this.ranges) {
      const alpha = penalised ? this.spec.alpha : 0;
      if (adam) this.adam(parameters, sum, rows, from, to, alpha, rate);
      else this.sgd(parameters, sum, rows, from, to, alpha);
    }
  }

  private sgd(
    parameters: Float64Array,
    sum: Float64Array,
    rows: number,
    from: number,
    to: number,
    alpha: number,
  ): void {
    const {first: velocity} = this;
    const {learningRate, momentum} = this.spec;
    for (let i = from; i < to; i++) {
      const gradient = (sum[i] / FIXED_POINT_SCALE + alpha * parameters[i]) / rows;
      velocity[i] = momentum * velocity[i] - learningRate * gradient;
      parameters[i] += velocity[i];
    }
  }

  private adam(
    parameters: Float64Array,
    sum: Float64Array,
    rows: number,
    from: number,
    to: number,
    alpha: number,
    rate: number,
  ): void {
    const {first, second} = this;
    const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
    for (let i = from; i < to; i++) {
      const g = (sum[i] / FIXED_POINT_SCALE + alpha * parameters[i]) / rows;
      first[i] = beta1 * first[i] + (1 - beta1) * g;
      second[i] = beta2 * second[i] + (1 - beta2) * g * g;
      parameters[i] -= (rate * first[i]) / (Math.sqrt(second[i]) + epsilon);
    }
  }
}
