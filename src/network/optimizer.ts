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
  private readonly gradient: Float64Array;
  /** beta1^t and beta2^t by repeated products, not Math.pow: the same bits everywhere. */
  private beta1Power = 1;
  private beta2Power = 1;
  private readonly isWeight: Uint8Array;

  constructor(
    private readonly spec: NetworkSpec,
    shape: Shape,
  ) {
    this.first = new Float64Array(shape.parameters);
    this.second = new Float64Array(shape.parameters);
    this.gradient = new Float64Array(shape.parameters);
    this.isWeight = new Uint8Array(shape.parameters);
    for (let l = 0; l < shape.layers; l++) this.isWeight.fill(1, shape.weightsAt[l], shape.biasesAt[l]);
  }

  /** Applies one step's update to `parameters` from the fixed-point gradient `sum` over `rows` rows. */
  step(parameters: Float64Array, sum: Float64Array, rows: number): void {
    const {gradient, isWeight} = this;
    const alpha = this.spec.alpha;
    for (let i = 0; i < gradient.length; i++)
      gradient[i] = (sum[i] / FIXED_POINT_SCALE + (isWeight[i] ? alpha * parameters[i] : 0)) / rows;
    if (this.spec.optimizer === 'adam') this.adam(parameters);
    else this.sgd(parameters);
  }

  private sgd(parameters: Float64Array): void {
    const {gradient, first: velocity} = this;
    const {learningRate, momentum} = this.spec;
    for (let i = 0; i < gradient.length; i++) {
      velocity[i] = momentum * velocity[i] - learningRate * gradient[i];
      parameters[i] += velocity[i];
    }
  }

  private adam(parameters: Float64Array): void {
    const {gradient, first, second} = this;
    const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
    this.beta1Power *= beta1;
    this.beta2Power *= beta2;
    const rate = (this.spec.learningRate * Math.sqrt(1 - this.beta2Power)) / (1 - this.beta1Power);
    for (let i = 0; i < gradient.length; i++) {
      const g = gradient[i];
      first[i] = beta1 * first[i] + (1 - beta1) * g;
      second[i] = beta2 * second[i] + (1 - beta2) * g * g;
      parameters[i] -= (rate * first[i]) / (Math.sqrt(second[i]) + epsilon);
    }
  }
}
