import type {Dataset} from '../data/dataset.js';
import {treeSeed} from '../data/random.js';
import {Forest} from './forest.js';
import type {TreeOptions} from './trainer.js';
import {trainerNamed} from './trainers.js';

/**
 * A forest trained tree after tree on this thread, with the same seeds the cluster would use: for
 * benchmarks and tests that compare a trainer with another library on one core.
 */
export function trainHere(train: Dataset, options: TreeOptions, trees: number, forestSeed: number): Forest {
  const trainer = trainerNamed(options.trainer);
  const data = {...train, classes: train.classes.length};
  const trainOne = trainer.prepare(data, trainer.share?.(data));
  const bytes = Array.from({length: trees}, (_, i) => trainOne(options, treeSeed(forestSeed, i)));
  return Forest.fromTrees(options.trainer, train.classes, bytes);
}
