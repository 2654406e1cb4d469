import type {Criterion} from '../spec.js';
import type {PredictionBatch, TreeModel} from '../trainer.js';
import {treeImportances} from './importances.js';

/** A tree as flat arrays; node 0 is the root, a leaf has feature -1. */
export interface FlatTree {
  classes: number;
  nodeCount: number;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** nodeCount x classes: the class distribution of the training rows that reached each node. */
  value: Float32Array;
  /**
   * The weighted count of training rows (bootstrap counts) that reached each node, for the impurity
   * decrease of each split (feature importances); absent in trees of format 1.
   */
  weight?: Float64Array;
}

const MAGIC = 0x43524654; // "CRFT"
// 2 adds each node's weight; 1 is still read (its trees predict, but give no importances).
const VERSION = 2;
const HEADER_BYTES = 16;

export class ModelFormatError extends Error {}

/** The bytes that travel over the protocol and are saved in model files. Little-endian, 8-byte aligned. */
export function serializeTree(tree: FlatTree & {weight: Float64Array}): Uint8Array {
  const n = tree.nodeCount;
  const bytes = new Uint8Array(treeBytes(n, tree.classes, VERSION));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, n, true);
  view.setUint32(12, tree.classes, true);
  let at = HEADER_BYTES;
  for (const array of [
    tree.threshold.subarray(0, n),
    tree.feature.subarray(0, n),
    tree.left.subarray(0, n),
    tree.right.subarray(0, n),
    tree.value.subarray(0, n * tree.classes),
    tree.weight.subarray(0, n),
  ]) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += align8(array.byteLength);
  }
  return bytes;
}

export function deserializeTree(bytes: Uint8Array): FlatTree {
  if (bytes.byteLength < HEADER_BYTES) throw new ModelFormatError(`tree of ${bytes.byteLength} bytes is truncated`);
  // The typed arrays below need 8-byte alignment: bytes that own their whole (unshared) buffer, as
  // serializeTree makes them, are used in place; anything else (a slice of a file or a frame) is copied.
  const owned =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const copy = owned ? bytes : new Uint8Array(bytes);
  const view = new DataView(copy.buffer);
  if (view.getUint32(0, true) !== MAGIC) throw new ModelFormatError('not a native tree');
  const version = view.getUint32(4, true);
  if (version !== 1 && version !== VERSION)
    throw new ModelFormatError(`tree format version ${version} is not supported`);
  const nodeCount = view.getUint32(8, true);
  const classes = view.getUint32(12, true);
  const expected = treeBytes(nodeCount, classes, version);
  if (copy.byteLength !== expected)
    throw new ModelFormatError(`tree of ${nodeCount} nodes should be ${expected} bytes, got ${copy.byteLength}`);
  let at = HEADER_BYTES;
  const take = <T>(make: (offset: number) => T, byteLength: number): T => {
    const array = make(at);
    at += align8(byteLength);
    return array;
  };
  const tree: FlatTree = {
    classes,
    nodeCount,
    threshold: take((o) => new Float64Array(copy.buffer, o, nodeCount), nodeCount * 8),
    feature: take((o) => new Int32Array(copy.buffer, o, nodeCount), nodeCount * 4),
    left: take((o) => new Int32Array(copy.buffer, o, nodeCount), nodeCount * 4),
    right: take((o) => new Int32Array(copy.buffer, o, nodeCount), nodeCount * 4),
    value: take((o) => new Float32Array(copy.buffer, o, nodeCount * classes), nodeCount * classes * 4),
  };
  if (version >= 2) tree.weight = take((o) => new Float64Array(copy.buffer, o, nodeCount), nodeCount * 8);
  checkLinks(tree);
  return tree;
}

/** Children must point forward inside the tree, so a corrupt file cannot loop or read out of bounds. */
function checkLinks(tree: FlatTree): void {
  for (let node = 0; node < tree.nodeCount; node++) {
    if (tree.feature[node] < 0) continue;
    const {left, right} = tree;
    if (!(left[node] > node && left[node] < tree.nodeCount && right[node] > node && right[node] < tree.nodeCount)) {
      throw new ModelFormatError(`node ${node} links outside the tree`);
    }
  }
}

function treeBytes(nodes: number, classes: number, version: number): number {
  const weights = version >= 2 ? nodes * 8 : 0;
  return HEADER_BYTES + align8(nodes * 8) + 3 * align8(nodes * 4) + align8(nodes * classes * 4) + weights;
}

function align8(bytes: number): number {
  return (bytes + 7) & ~7;
}

/** The largest feature index a tree splits on (0 for a single leaf). */
function widestFeature(tree: FlatTree): number {
  let widest = 0;
  for (let node = 0; node < tree.nodeCount; node++) widest = Math.max(widest, tree.feature[node]);
  return widest;
}

/** Adds the leaf distribution each row reaches, as scikit-learn's predict_proba averages them. */
export function treeModel(tree: FlatTree): TreeModel {
  return {
    features: widestFeature(tree) + 1,
    classes: tree.classes,
    addVotes(batch: PredictionBatch, votes: Float64Array, classes: number) {
      const {values, rows} = batch;
      const width = batch.features;
      const {feature, threshold, left, right, value} = tree;
      const own = tree.classes;
      for (let row = 0; row < rows; row++) {
        let node = 0;
        const base = row * width;
        while (feature[node] >= 0) node = values[base + feature[node]] <= threshold[node] ? left[node] : right[node];
        const out = row * classes;
        for (let c = 0; c < own; c++) votes[out + c] += value[node * own + c];
      }
    },
    importances: (criterion: Criterion, features: number) => treeImportances(tree, criterion, features),
  };
}
