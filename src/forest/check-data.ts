import type {ForestSpec} from '../config/experiment.js';
import type {Dataset} from '../data/dataset.js';
import {InputError} from '../errors.js';

/** Refuses data a forest cannot learn from, naming where it came from and the field at fault. */
export function checkTrainable(data: Dataset, forest: ForestSpec, where: {file: string; target: string}): void {
  if (data.classes.length < 2) {
    throw new InputError({file: where.file, field: where.target, problem: `only one class ('${data.classes[0]}')`, fix: 'a classifier needs rows of at least two classes'});
  }
  const needed = Math.max(2, forest.minSamplesSplit);
  if (data.rows < needed) throw new InputError({file: where.file, problem: `only ${data.rows} training rows`, fix: `a tree needs at least ${needed} rows to split`});
  const {maxFeatures} = forest;
  if (typeof maxFeatures === 'number' && maxFeatures > data.features) {
    throw new InputError({file: where.file, field: 'maxFeatures', problem: `maxFeatures ${maxFeatures} exceeds the ${data.features} features of the data set`, fix: `use at most ${data.features}, 1.0 for every feature, or sqrt`});
  }
}
