import type {BinnedData} from '../../src/forest/native/binning.js';
import {type GrowOptions, TreeGrower} from '../../src/forest/native/grow.js';
import type {FlatTree} from '../../src/forest/native/tree-model.js';

/** One tree, with a grower of its own (trainers keep a grower per slot). */
export function growTree(
  data: BinnedData,
  labels: Int32Array,
  classes: number,
  options: GrowOptions,
  seed: number,
): FlatTree & {weight: Float64Array} {
  return new TreeGrower(data, labels, classes).grow(options, seed);
}
