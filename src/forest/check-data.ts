import type {ForestSpec} from './spec.js';
import type {Dataset} from '../data/dataset.js';
import {InputError} from '../errors.js';

/** Refuses data a forest cannot learn from, naming where it came from and the field at fault. */
export function checkTrainable(
  data: Dataset,
  forest: ForestSpec,
  where: {file: string; target: string},
  heldOut?: string,
): void {
  const since = heldOut ? ` (${heldOut})` : '';
  const needed = Math.max(2, forest.minSamplesSplit);
  if (data.rows < needed)
    throw new InputError({
      file: where.file,
      problem: `only ${data.rows} training row${data.rows === 1 ? '' : 's'}${since}`,
      fix: `a tree needs at least ${needed} rows to split`,
    });
  const present = new Set(data.labels);
  if (present.size < 2) {
    throw new InputError({
      file: where.file,
      field: where.target,
      problem: `only one class ('${data.classes[data.labels[0] ?? 0]}') among the training rows${since}`,
      fix: 'a classifier needs rows of at least two classes',
    });
  }
  const {maxFeatures} = forest;
  if (typeof maxFeatures === 'number' && maxFeatures > data.features) {
    throw new InputError({
      file: where.file,
      field: 'maxFeatures',
      problem: `maxFeatures ${maxFeatures} exceeds the ${data.features} features of the data set`,
      fix: `use at most ${data.features}, 1.0 for every feature, or sqrt`,
    });
  }
}
