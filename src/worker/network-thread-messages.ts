import type {Activation} from '../network/spec.js';

/**
 * What a network thread is told: a run once (the data set, the weights and its own part of the sums
 * as views of shared memory, so nothing is copied), then each step's chunks to add up.
 */
export type ToNetworkThread =
  | {
      type: 'run';
      /** The network's layer sizes, input first (a Shape does not survive the trip between threads). */
      sizes: number[];
      activation: Activation;
      /** The seed every epoch's order of the rows is drawn from. */
      seed: number;
      rows: number;
      features: number;
      values: Float64Array;
      labels: Int32Array;
      /** The weights, which the worker's main thread updates between steps. */
      weights: Float64Array;
      /** Where this thread leaves its fixed-point sum, one value per parameter. */
      sum: Float64Array;
    }
  /** Chunks [first, last) of the batch order[from..to) of `epoch`, each clamped to `limit`. */
  | {type: 'step'; step: number; epoch: number; from: number; to: number; first: number; last: number; limit: number};

export type FromNetworkThread =
  /** The step's figures; the sum itself is in the thread's shared part. */
  | {type: 'partial'; step: number; loss: number; rows: number; clamped: number; seconds: number}
  | {type: 'failed'; step: number; error: string};
