import type {MaxFeatures} from './max-features.js';
import type {TrainerName} from './trainer-names.js';

/** The split criteria, as scikit-learn names them. */
export type Criterion = 'gini' | 'entropy';

export interface ForestSpec {
  trees: number;
  maxDepth?: number;
  maxFeatures: MaxFeatures;
  trainer: TrainerName;
  seed: number;
  criterion: Criterion;
  minSamplesSplit: number;
  minSamplesLeaf: number;
}
