import {featureCount, type Trainer, type TrainingData, type TreeModel} from '../trainer.js';
import {type BinnedData, binData} from './binning.js';
import {growTree} from './grow.js';
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
    return (options, seed) =>
      serializeTree(
        growTree(binned, data.labels, data.classes, {
          maxFeatures: featureCount(options.maxFeatures, data.features),
          maxDepth: options.maxDepth ?? Infinity,
          minSamplesSplit: options.minSamplesSplit ?? 2,
          minSamplesLeaf: options.minSamplesLeaf ?? 1,
          criterion: options.criterion ?? 'gini',
        }, seed),
      );
  },

  load(bytes: Uint8Array): TreeModel {
    return treeModel(deserializeTree(bytes));
  },
};
