/** How a network is trained: a multi-layer perceptron classifier, softmax cross-entropy. */
export interface NetworkSpec {
  /** Sizes of the hidden layers, input side first. */
  layers: number[];
  activation: Activation;
  epochs: number;
  /** Rows of one step's global batch, divided among the hosts. */
  batchSize: number;
  learningRate: number;
  optimizer: Optimizer;
  /** SGD's momentum (sklearn's, not Nesterov's). */
  momentum: number;
  /** L2 penalty on the weights, as scikit-learn's MLPClassifier's alpha. */
  alpha: number;
  /** Initial weights and every epoch's order of the rows. */
  seed: number;
  /** How each batch is divided among the hosts: by their speeds, or equally (as PyTorch's DDP does). */
  split: Split;
  /** Where the hosts' gradients are summed: by the coordinator (a parameter server), or among the hosts in a ring. */
  reduce: Reduce;
}

export const ACTIVATIONS = ['relu', 'tanh'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
/** The paper's centralized architecture (a parameter server) and its ring (map-reduce) one. */
export const REDUCTIONS = ['central', 'ring'] as const;
export type Reduce = (typeof REDUCTIONS)[number];
export const SPLITS = ['proportional', 'equal'] as const;
export type Split = (typeof SPLITS)[number];
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

/** scikit-learn's MLPClassifier's defaults where they exist (adam, 1e-3, alpha 1e-4, batches of 200). */
export const DEFAULT_NETWORK: NetworkSpec = {
  layers: [256, 128],
  activation: 'relu',
  epochs: 20,
  batchSize: 200,
  learningRate: 0.001,
  optimizer: 'adam',
  momentum: 0.9,
  alpha: 0.0001,
  seed: 0,
  split: 'proportional',
  reduce: 'central',
};
