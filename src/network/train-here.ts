import type {Dataset} from '../data/dataset.js';
import {batchesOf, epochOrder, splitChunks} from './batches.js';
import {addPartial, chunkLimit, FIXED_POINT_SCALE, GradientComputer, type PartialGradient} from './gradient.js';
import {initialParameters, Shape} from './model.js';
import {Optimizer} from './optimizer.js';
import type {NetworkSpec} from './spec.js';
import {weightsHash} from './weights.js';

export interface TrainedNetwork {
  shape: Shape;
  parameters: Float64Array;
  weightsHash: string;
  /** Mean cross-entropy of each epoch's batches. */
  losses: number[];
  /** Gradient values clamped over the training (0 in a healthy run). */
  clamped: number;
}

/**
 * Trains the network in this process as the cluster does: each batch's chunks are divided among
 * `shares.length` virtual hosts in proportion to `shares`, each host's partial sum is computed
 * apart, and the partials are combined in an order that changes from step to step. The weights do
 * not depend on the shares or the order: this is the reference the distributed runs must match.
 * `train` must be standardised already.
 */
export function trainNetwork(spec: NetworkSpec, train: Dataset, shares: readonly number[] = [1]): TrainedNetwork {
  const shape = Shape.of(train.features, spec.layers, train.classes.length);
  const parameters = initialParameters(shape, spec.seed);
  const optimizer = new Optimizer(spec, shape);
  const computer = new GradientComputer(shape, spec.activation, train);
  const losses: number[] = [];
  let clamped = 0;
  let step = 0;
  for (let epoch = 0; epoch < spec.epochs; epoch++) {
    const order = epochOrder(train.rows, spec.seed, epoch);
    let loss = 0;
    for (const batch of batchesOf(train.rows, spec.batchSize)) {
      const limit = chunkLimit(batch.chunks);
      const partials = splitChunks(batch.chunks, shares).map(([first, last]) =>
        computer.partial(parameters, order, batch.from, batch.to, first, last, limit),
      );
      // Combined in a different order each step: an exact sum cannot tell.
      if (step++ % 2 === 1) partials.reverse();
      const total = partials.reduce((sum: PartialGradient, partial) => (addPartial(sum, partial), sum));
      optimizer.step(parameters, total.sum, total.rows);
      loss += total.loss / FIXED_POINT_SCALE;
      clamped += total.clamped;
    }
    losses.push(loss / train.rows);
  }
  return {shape, parameters, weightsHash: weightsHash(parameters), losses, clamped};
}
