import type {Criterion} from '../spec.js';
import type {FlatTree} from './tree-model.js';

/**
 * One tree's mean decrease in impurity per feature, as scikit-learn's Tree.compute_feature_importances:
 * each split adds its node's weighted impurity less its children's, divided by the root's weight and
 * normalised to sum to 1. Null for a single leaf (scikit-learn leaves it out of the forest's mean),
 * undefined for a tree without node weights (format 1).
 */
export function treeImportances(
  tree: FlatTree,
  criterion: Criterion,
  features: number,
): Float64Array | null | undefined {
  const {weight, feature, left, right} = tree;
  if (!weight) return undefined;
  if (tree.nodeCount < 2) return null;
  const impurity = new Float64Array(tree.nodeCount);
  for (let node = 0; node < tree.nodeCount; node++) impurity[node] = nodeImpurity(tree, node, criterion);
  const importances = new Float64Array(features);
  for (let node = 0; node < tree.nodeCount; node++) {
    if (feature[node] < 0) continue;
    const [l, r] = [left[node], right[node]];
    importances[feature[node]] += weight[node] * impurity[node] - weight[l] * impurity[l] - weight[r] * impurity[r];
  }
  let sum = 0;
  for (let f = 0; f < features; f++) sum += importances[f] /= weight[0];
  if (sum > 0) for (let f = 0; f < features; f++) importances[f] /= sum;
  return importances;
}

/** Gini or entropy (bits) of a node's class distribution, as its split was scored. */
function nodeImpurity(tree: FlatTree, node: number, criterion: Criterion): number {
  const {value, classes} = tree;
  let impurity = criterion === 'gini' ? 1 : 0;
  for (let c = 0; c < classes; c++) {
    const p = value[node * classes + c];
    if (criterion === 'gini') impurity -= p * p;
    else if (p > 0) impurity -= p * Math.log2(p);
  }
  return impurity;
}
