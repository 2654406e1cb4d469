import mlRandomForest from 'ml-random-forest';
import {featureCount} from './max-features.js';
import type {PredictionBatch, Trainer, TrainingData, TreeModel} from './trainer.js';

const {RandomForestClassifier} = mlRandomForest as unknown as {RandomForestClassifier: MlForestClass};

interface MlForest {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
  toJSON(): unknown;
}
interface MlForestClass {
  new (options: Record<string, unknown>): MlForest;
  load(model: unknown): MlForest;
}

/**
 * ml-random-forest, one single-tree forest per tree so that each tree has its own seed. Its
 * out-of-bag step crashes on small forests ('input must not be empty'), hence noOOB; it draws the
 * features once per tree, not per split.
 */
export const mlRandomForestTrainer: Trainer = {
  name: 'ml-random-forest',

  prepare(data: TrainingData) {
    const x = Array.from({length: data.rows}, (_, row) =>
      Array.from(data.values.subarray(row * data.features, (row + 1) * data.features)),
    );
    const y = Array.from(data.labels);
    return (options, seed) => {
      const count = featureCount(options.maxFeatures, data.features);
      const forest = new RandomForestClassifier({
        nEstimators: 1,
        seed,
        // Its maxFeatures reads 1 as "all features" (a fraction), so ask for one feature as a fraction.
        maxFeatures: count === 1 && data.features > 1 ? 1.5 / data.features : count,
        replacement: false,
        useSampleBagging: true,
        noOOB: true,
        // ml-cart knows maxDepth and minNumSamples (its minimum to split), nothing of leaves or entropy.
        treeOptions: {
          ...(options.maxDepth === undefined ? {} : {maxDepth: options.maxDepth}),
          ...(options.minSamplesSplit === undefined ? {} : {minNumSamples: options.minSamplesSplit}),
        },
      });
      forest.train(x, y);
      return new TextEncoder().encode(JSON.stringify(forest.toJSON()));
    };
  },

  load(bytes: Uint8Array): TreeModel {
    const json = JSON.parse(new TextDecoder().decode(bytes));
    const forest = RandomForestClassifier.load(json);
    // Each of its trees reads the features listed in baseModel.indexes.
    const indexes: number[] = (json?.baseModel?.indexes ?? []).flat();
    return {
      features: indexes.reduce((most, index) => Math.max(most, index + 1), 0),
      addVotes(batch: PredictionBatch, votes: Float64Array, classes: number) {
        const predicted = forest.predict(batch.nested());
        for (let row = 0; row < predicted.length; row++) votes[row * classes + predicted[row]] += 1;
      },
    };
  },
};
