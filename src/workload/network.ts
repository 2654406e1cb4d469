import {checkLocalCopies} from '../coordinator/local-copies.js';
import {hashDataset} from '../data/dataset.js';
import {nativeNetworkEngine} from '../engine/network/engine.js';
import {torchEngine} from '../engine/torch/engine.js';
import {describeDataset, splitRows} from '../engine/prepare-data.js';
import {InputError} from '../errors.js';
import {batchesOf} from '../network/batches.js';
import type {NetworkSpec} from '../network/spec.js';
import {standardisationOf, standardise} from '../network/standardise.js';
import type {Workload} from './workload.js';

/**
 * A multi-layer perceptron trained data-parallel: each step's batch divided among the hosts, the
 * gradients reduced exactly, every host applying the same update. Its work items are the chunks of
 * the batches (32 rows each), over every epoch.
 */
export const networkWorkload: Workload = {
  name: 'network',
  unit: 'chunks',
  work: (experiment, data) => {
    const spec = experiment.network as NetworkSpec;
    return spec.epochs * batchesOf(data.train.rows, spec.batchSize).reduce((sum, batch) => sum + batch.chunks, 0);
  },
  prepare: (experiment) => {
    const spec = experiment.network as NetworkSpec;
    const seed = experiment.dataset.kind === 'synthetic' ? experiment.dataset.seed : spec.seed;
    const {data, train, test} = splitRows(experiment, seed);
    if (train.classes.length < 2 || train.rows < 2)
      throw new InputError({
        file: experiment.file,
        field: 'dataset',
        problem: `the training rows hold ${train.rows} rows of ${train.classes.length} classes`,
        fix: 'a network needs at least two rows of at least two classes to learn from',
      });
    const scaling = standardisationOf(train);
    const [scaledTrain, scaledTest] = [standardise(train, scaling), standardise(test, scaling)];
    return {
      train: scaledTrain,
      test: scaledTest,
      hash: hashDataset(scaledTrain),
      description: describeDataset(experiment, data),
    };
  },
  checkHosts: (hosts, data) => checkLocalCopies(hosts, data.train),
  engine: (name) => {
    if (name === 'dask')
      throw new InputError({
        file: '--engine',
        problem: "the dask engine trains forests only (scikit-learn's random forest)",
        fix: 'train a network with --engine native or torch (or both: --engine native,torch)',
      });
    return name === 'torch' ? torchEngine : nativeNetworkEngine;
  },
  settings: (experiment) => ({network: experiment.network}),
};
