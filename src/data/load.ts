import {existsSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import type {DatasetSpec} from './spec.js';
import {loadCsvDataset} from './csv.js';
import type {Dataset} from './dataset.js';
import {makeClassification} from './synthetic.js';

/** Makes or reads the data set an experiment names; a CSV path is relative to the experiment file, then to the current folder. */
export function loadDataset(spec: DatasetSpec, experimentFile: string): Dataset {
  if (spec.kind === 'synthetic') return makeClassification(spec);
  const {delimiter, columns, drop, missing} = spec;
  // mean and median keep a missing value as NaN: prepareData fills it once the training rows are known.
  const reader = missing === 'mean' || missing === 'median' ? 'keep' : missing;
  return loadCsvDataset(csvFileOf(spec, experimentFile), spec.target, spec.path, {
    delimiter,
    columns,
    drop,
    missing: reader,
    setIn: 'experiment',
  });
}

/** The CSV file an experiment's dataset.path names. */
export function csvFileOf(spec: {path: string}, experimentFile: string): string {
  const besideExperiment = resolve(dirname(experimentFile), spec.path);
  return existsSync(besideExperiment) ? besideExperiment : resolve(spec.path);
}
