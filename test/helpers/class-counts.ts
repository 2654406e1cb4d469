import type {Dataset} from '../../src/data/dataset.js';

/** How many rows of each class, by class index. */
export function classCounts(data: Pick<Dataset, 'labels' | 'classes'>): number[] {
  const counts = new Array<number>(data.classes.length).fill(0);
  for (const label of data.labels) counts[label]++;
  return counts;
}
