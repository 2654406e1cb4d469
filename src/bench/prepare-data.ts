import type {Experiment} from '../config/experiment.js';
import {type Dataset, hashDataset} from '../data/dataset.js';
import {loadDataset} from '../data/load.js';
import {splitTrainTest} from '../data/split.js';
import {InputError} from '../errors.js';

export interface PreparedData {
  train: Dataset;
  test: Dataset;
  /** Content hash of the training set: its name in the workers' caches. */
  hash: string;
  description: string;
}

/** Makes or reads the experiment's data set and holds out its test rows, checking it suits the forest. */
export function prepareData(experiment: Experiment): PreparedData {
  const data = loadDataset(experiment.dataset, experiment.file);
  const spec = experiment.dataset;
  const where = spec.kind === 'csv' ? spec.path : 'dataset';
  if (data.classes.length < 2) {
    throw new InputError({file: where, field: spec.kind === 'csv' ? spec.target : 'classes', problem: `only one class ('${data.classes[0]}')`, fix: 'a classifier needs rows of at least two classes'});
  }
  if (data.rows < 4) throw new InputError({file: where, problem: `only ${data.rows} rows`, fix: 'a forest needs at least 4 rows to train and test'});
  const {maxFeatures} = experiment.forest;
  if (typeof maxFeatures === 'number' && Number.isInteger(maxFeatures) && maxFeatures > data.features) {
    throw experiment.source.error(['forest', 'maxFeatures'], `maxFeatures ${maxFeatures} exceeds the ${data.features} features of the data set`, `use at most ${data.features}, or sqrt`);
  }
  const seed = spec.kind === 'synthetic' ? spec.seed : experiment.forest.seed;
  const {train, test} = splitTrainTest(data, experiment.testFraction, seed);
  const description = spec.kind === 'synthetic' ? `synthetic ${spec.samples} x ${spec.features} (${spec.informative} informative), ${spec.classes} classes` : `${spec.path} (${data.rows} x ${data.features}), ${data.classes.length} classes`;
  return {train, test, hash: hashDataset(train), description};
}
