import {featureCount} from '../max-features.js';
import type {Trainer, TrainingData, TreeModel} from '../trainer.js';
import {type BinnedData, binData} from './binning.js';
import {TreeGrower} from './grow.js';
import {deserializeTree, serializeTree, treeModel} from './tree-model.js';

/** The native trainer: histogram trees on features binned once per data set and shared by all slots. */
export const nativeTrainer: Trainer = {
  name: 'native',

  share(data: TrainingData): BinnedData {
    return binData(data, true);
  },

  prepare(data: TrainingData, shared: unknown) {
    // Typed arrays over shared memory arrive in the thread as views of the same memory.
    const binned = shared as BinnedData;
    // One grower per slot thread: its buffers serve every tree the slot trains.
    const grower = new TreeGrower(binned, data.labels, data.classes);
    return (options, seed) =>
      serializeTree(
        grower.grow(
          {
            maxFeatures: featureCount(options.maxFeatures, data.features),
            maxDepth: options.maxDepth ?? Infinity,
            minSamplesSplit: options.minSamplesSplit ?? 2,
            minSamplesLeaf: options.minSamplesLeaf ?? 1,
            criterion: options.criterion ?? 'gini',
          },
          seed,
        ),
      );
  },

  load(bytes: Uint8Array): TreeModel {
    return treeModel(deserializeTree(bytes));
  },
};
