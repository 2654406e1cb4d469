import type {Criterion, ForestSpec} from './spec.js';
import type {MaxFeatures} from './max-features.js';
import type {TrainerName} from './trainer-names.js';

/** The options every tree of a forest is trained with; each tree adds its own seed. */
export interface TreeOptions {
  trainer: TrainerName;
  maxFeatures: MaxFeatures;
  maxDepth?: number;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  criterion?: Criterion;
}

/** The per-tree options of a forest's settings. */
export function treeOptionsOf(forest: ForestSpec): TreeOptions {
  const {trainer, maxFeatures, maxDepth, minSamplesSplit, minSamplesLeaf, criterion} = forest;
  return {
    trainer,
    maxFeatures,
    minSamplesSplit,
    minSamplesLeaf,
    criterion,
    ...(maxDepth === undefined ? {} : {maxDepth}),
  };
}

/** What a trainer sees of the training set: typed arrays, shared read-only between threads. */
export interface TrainingData {
  rows: number;
  features: number;
  /** rows x features, row-major. */
  values: Float64Array;
  labels: Int32Array;
  classes: number;
}

/** Rows to predict; `nested` converts once for trainers that want arrays of arrays. */
export class PredictionBatch {
  private nestedRows: number[][] | undefined;

  constructor(
    readonly values: Float64Array,
    readonly rows: number,
    readonly features: number,
  ) {}

  nested(): number[][] {
    this.nestedRows ??= Array.from({length: this.rows}, (_, row) =>
      Array.from(this.values.subarray(row * this.features, (row + 1) * this.features)),
    );
    return this.nestedRows;
  }
}

export interface TreeModel {
  /** Adds this tree's class probabilities for each row to `votes` (rows x classes). */
  addVotes(batch: PredictionBatch, votes: Float64Array, classes: number): void;
  /** Features the tree reads (its highest feature index + 1), to check a model file's header against. */
  readonly features: number;
  /** Classes the tree votes for, where its format records them. */
  readonly classes?: number;
  /**
   * Mean decrease in impurity per feature, summing to 1 (scikit-learn's tree feature_importances_);
   * null for a single leaf, undefined where the format does not record what it needs.
   */
  importances?(criterion: Criterion, features: number): Float64Array | null | undefined;
}

/** The seam between the forest and a tree-learning library. */
export interface Trainer {
  readonly name: TrainerName;
  /**
   * Work done once per data set in the worker's main thread, handed to every slot thread (so it
   * should hold shared memory), e.g. the binned features.
   */
  share?(data: TrainingData): unknown;
  /** Does the per-thread work once; the returned function trains one tree from its seed. */
  prepare(data: TrainingData, shared: unknown): (options: TreeOptions, seed: number) => Uint8Array;
  /** Reads a tree back from the bytes `prepare`'s function returned. */
  load(bytes: Uint8Array): TreeModel;
}
