import type {Experiment} from '../config/experiment.js';
import {type Dataset, hashDataset} from '../data/dataset.js';
import {loadDataset} from '../data/load.js';
import {fillMissing, fillValues} from '../data/missing.js';
import {splitTrainTest} from '../data/split.js';
import {checkTrainable} from '../forest/check-data.js';

export interface PreparedData {
  train: Dataset;
  test: Dataset;
  /** Content hash of the training set: its name in the workers' caches. */
  hash: string;
  description: string;
}

/** Makes or reads the experiment's data set and holds out its test rows, checking it suits the forest. */
export function prepareData(experiment: Experiment): PreparedData {
  const spec = experiment.dataset;
  const {maxFeatures} = experiment.forest;
  const {data, train, test} = splitRows(experiment, spec.kind === 'synthetic' ? spec.seed : experiment.forest.seed);
  if (typeof maxFeatures === 'number' && maxFeatures > data.features) {
    throw experiment.source.error(
      ['forest', 'maxFeatures'],
      `maxFeatures ${maxFeatures} exceeds the ${data.features} features of the data set`,
      `use at most ${data.features}, 1.0 for every feature, or sqrt`,
    );
  }
  // The training rows, as train checks them: testFraction 0.9999 left one row, and bench trained on it.
  checkTrainable(
    train,
    experiment.forest,
    spec.kind === 'csv' ? {file: spec.path, target: spec.target} : {file: experiment.file, target: 'dataset'},
    `testFraction ${experiment.testFraction} holds out ${test.rows} of the ${data.rows} rows`,
  );
  return {train, test, hash: hashDataset(train), description: describeDataset(experiment, data)};
}

/** The experiment's rows split into training and test rows by `seed`, missing values filled from the training rows. */
export function splitRows(experiment: Experiment, seed: number): {data: Dataset; train: Dataset; test: Dataset} {
  const data = loadDataset(experiment.dataset, experiment.file);
  const spec = experiment.dataset;
  const {train, test} = splitTrainTest(data, experiment.testFraction, seed);
  if (spec.kind === 'csv' && (spec.missing === 'mean' || spec.missing === 'median'))
    fillFromTraining(train, test, spec.missing, experiment);
  return {data, train, test};
}

export function describeDataset(experiment: Experiment, data: Dataset): string {
  const spec = experiment.dataset;
  return spec.kind === 'synthetic'
    ? `synthetic ${spec.samples} x ${spec.features} (${spec.informative} informative), ${spec.classes} classes`
    : `${spec.path} (${data.rows} x ${data.features}), ${data.classes.length} classes`;
}

/** dataset.missing mean or median: the training rows' value of each column fills both sets, as train --missing does. */
function fillFromTraining(train: Dataset, test: Dataset, policy: 'mean' | 'median', experiment: Experiment): void {
  const fill = fillValues(train, policy);
  const empty = train.featureNames.find((_, f) => Number.isNaN(fill[f]));
  if (empty !== undefined)
    throw experiment.source.error(
      ['dataset', 'missing'],
      `column '${empty}' has no value in the training rows to take the ${policy} of`,
      `leave it out: add it to dataset.drop`,
    );
  fillMissing(train.values, train.features, fill);
  fillMissing(test.values, test.features, fill);
}
