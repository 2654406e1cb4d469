import type {ForestSpec} from './spec.js';
import {checkModelColumns, type ModelColumns} from '../data/model-columns.js';
import type {InputError} from '../errors.js';
import {type ModelEnvelope, notAModel, openModel, readModelFile, sealModel} from '../files/model-envelope.js';
import {writeWhole} from '../files/write-whole.js';
import {Forest} from './forest.js';
import {TRAINER_NAMES} from './trainer-names.js';

/** What a model file says about itself, ahead of its trees. */
export interface ModelInfo extends ModelColumns {
  forest: ForestSpec;
}

export interface LoadedModel {
  info: ModelInfo;
  forest: Forest;
  /** Format 1 carries no digest: what loaded cannot be vouched for, and the user is told so. */
  warning?: string;
}

export interface SavedModel extends ModelInfo {
  /** Serialised trees, by index. */
  trees: Uint8Array[];
}

// A forest's body (model-envelope.ts holds the rest): per tree, u32 length + bytes.
export function encodeModel(model: SavedModel): Buffer {
  const {trees, ...info} = model;
  const parts: Uint8Array[] = [];
  for (const tree of trees) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(tree.byteLength);
    parts.push(length, tree);
  }
  return sealModel({kind: 'forest', ...info}, parts);
}

/** Reads a model, refusing anything truncated, damaged or not a forest with a message, never a crash. */
export function decodeModel(bytes: Buffer, file: string): LoadedModel {
  return decodeForest(openModel(bytes, file));
}

/** A forest from its opened envelope. */
export function decodeForest(envelope: ModelEnvelope): LoadedModel {
  const refuse = (problem: string) => notAModel(envelope.file, problem);
  if (envelope.kind !== 'forest') throw refuse(`the model file holds a ${envelope.kind}, not a forest`);
  const {kind: _kind, ...info} = envelope.header as unknown as ModelInfo & {kind?: string};
  if (!TRAINER_NAMES.includes(info.forest?.trainer)) throw refuse('the model header is damaged');
  checkModelColumns(info as unknown as Record<string, unknown>, refuse);
  const trees = treesOf(envelope.body, refuse);
  if (trees.length !== info.forest.trees)
    throw refuse(`the model file holds ${trees.length} of its ${info.forest.trees} trees: it is truncated`);
  let forest: Forest;
  try {
    forest = Forest.fromTrees(info.forest.trainer, info.classes, trees);
  } catch (error) {
    throw refuse(`a tree is damaged (${(error as Error).message})`);
  }
  checkHeaderAgainstTrees(info, forest, refuse);
  // Last: the checks above name what is wrong, when they can tell.
  envelope.checkDigest();
  return {info, forest, ...(envelope.warning ? {warning: envelope.warning} : {})};
}

function treesOf(body: Buffer, refuse: (problem: string) => InputError): Uint8Array[] {
  const trees: Uint8Array[] = [];
  for (let at = 0; at < body.length;) {
    if (at + 4 > body.length) throw refuse('the model file is truncated');
    const length = body.readUInt32LE(at);
    if (at + 4 + length > body.length) throw refuse('the model file is truncated');
    trees.push(body.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return trees;
}

/** A header edited apart from its trees would predict from the wrong columns, or into classes it does not name. */
function checkHeaderAgainstTrees(info: ModelInfo, forest: Forest, refuse: (problem: string) => InputError): void {
  const {features, classes} = forest.shape;
  if (classes > info.classes.length)
    throw refuse(`the trees vote for ${classes} classes but the header names ${info.classes.length}: it is damaged`);
  if (features > info.featureNames.length)
    throw refuse(`the trees read ${features} features but the header names ${info.featureNames.length}: it is damaged`);
}

/** Whole or not at all: a model file that exists is never half written. */
export function saveModel(model: SavedModel, file: string): void {
  writeWhole(file, encodeModel(model));
}

export function loadModel(file: string): LoadedModel {
  return decodeModel(readModelFile(file), file);
}
