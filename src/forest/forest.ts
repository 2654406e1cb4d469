import type {Criterion} from './spec.js';
import {PredictionBatch, type TreeModel} from './trainer.js';
import {trainerNamed} from './trainers.js';
import type {TrainerName} from './trainer-names.js';

/** A forest merged from trees trained anywhere: the trees in index order, voting by summed class probabilities. */
export class Forest {
  private constructor(
    readonly trainer: TrainerName,
    readonly classes: string[],
    private readonly trees: TreeModel[],
  ) {}

  /** `trees[i]` is the serialised tree of index i. */
  static fromTrees(trainer: TrainerName, classes: string[], trees: readonly Uint8Array[]): Forest {
    const reader = trainerNamed(trainer);
    return new Forest(
      trainer,
      classes,
      trees.map((bytes) => reader.load(bytes)),
    );
  }

  /** The most features any tree reads, and the most classes any tree votes for. */
  get shape(): {features: number; classes: number} {
    return {
      features: Math.max(0, ...this.trees.map((t) => t.features)),
      classes: Math.max(0, ...this.trees.map((t) => t.classes ?? 0)),
    };
  }

  get size(): number {
    return this.trees.length;
  }

  /** Class index per row; ties go to the lowest class index, so predictions are deterministic. */
  predict(values: Float64Array, features: number): Int32Array {
    return argmaxRows(this.votes(values, features), this.classes.length);
  }

  /** Each row's class probabilities (rows x classes): the trees' leaf distributions averaged, as scikit-learn's predict_proba. */
  probabilities(values: Float64Array, features: number): Float64Array {
    const classes = this.classes.length;
    const votes = this.votes(values, features);
    for (let at = 0; at < votes.length; at += classes) {
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += votes[at + c];
      if (sum > 0) for (let c = 0; c < classes; c++) votes[at + c] /= sum;
    }
    return votes;
  }

  private votes(values: Float64Array, features: number): Float64Array {
    const rows = values.length / features;
    const classes = this.classes.length;
    const votes = new Float64Array(rows * classes);
    const batch = new PredictionBatch(values, rows, features);
    for (const tree of this.trees) tree.addVotes(batch, votes, classes);
    return votes;
  }

  /**
   * Each feature's mean decrease in impurity, as scikit-learn's RandomForestClassifier.feature_importances_:
   * the trees' own (single leaves left out) averaged and normalised to sum to 1. Undefined when a tree
   * cannot give its own (the ml-random-forest trainer, a model file of tree format 1).
   */
  importances(criterion: Criterion, features: number): Float64Array | undefined {
    const mean = new Float64Array(features);
    let counted = 0;
    for (const tree of this.trees) {
      const own = tree.importances?.(criterion, features);
      if (own === undefined) return undefined;
      if (own === null) continue;
      for (let f = 0; f < features; f++) mean[f] += own[f];
      counted++;
    }
    let sum = 0;
    for (let f = 0; f < features; f++) sum += mean[f];
    if (counted > 0 && sum > 0) for (let f = 0; f < features; f++) mean[f] /= sum;
    return mean;
  }

  accuracy(values: Float64Array, features: number, labels: Int32Array): number {
    const predicted = this.predict(values, features);
    let correct = 0;
    for (let row = 0; row < labels.length; row++) if (predicted[row] === labels[row]) correct++;
    return labels.length === 0 ? 0 : correct / labels.length;
  }
}

/** The highest-scoring class of each row of a rows x classes table; ties go to the lowest index. */
export function argmaxRows(scores: Float64Array, classes: number): Int32Array {
  const rows = scores.length / classes;
  const predicted = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[row * classes + c] > scores[row * classes + best]) best = c;
    predicted[row] = best;
  }
  return predicted;
}
