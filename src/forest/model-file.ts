import {readFileSync, writeFileSync} from 'node:fs';
import type {ForestSpec} from '../config/experiment.js';
import {InputError} from '../errors.js';
import {Forest} from './forest.js';
import {TRAINER_NAMES} from './trainer-names.js';

/** What a model file says about itself, ahead of its trees. */
export interface ModelInfo {
  forest: ForestSpec;
  classes: string[];
  featureNames: string[];
  target: string;
}

export interface SavedModel extends ModelInfo {
  /** Serialised trees, by index. */
  trees: Uint8Array[];
}

// "CLRF", then u32 version, u32 info length, the info as JSON, then per tree u32 length + bytes.
const MAGIC = Buffer.from('CLRF');
const VERSION = 1;

export function encodeModel(model: SavedModel): Buffer {
  const {trees, ...info} = model;
  const json = Buffer.from(JSON.stringify(info));
  const head = Buffer.alloc(12);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(VERSION, 4);
  head.writeUInt32LE(json.length, 8);
  const parts: Uint8Array[] = [head, json];
  for (const tree of trees) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(tree.byteLength);
    parts.push(length, tree);
  }
  return Buffer.concat(parts);
}

/** Reads a model, refusing anything truncated or not a model with a message, never a crash. */
export function decodeModel(bytes: Buffer, file: string): {info: ModelInfo; forest: Forest} {
  const refuse = (problem: string) => new InputError({file, problem, fix: 'pass a file written by cluster train --out'});
  if (bytes.length < 12 || !bytes.subarray(0, 4).equals(MAGIC)) throw refuse('not a cluster model file');
  if (bytes.readUInt32LE(4) !== VERSION) throw refuse(`model format version ${bytes.readUInt32LE(4)} is not supported by this version`);
  const infoLength = bytes.readUInt32LE(8);
  if (12 + infoLength > bytes.length) throw refuse('the model file is truncated');
  let info: ModelInfo;
  try {
    info = JSON.parse(bytes.toString('utf8', 12, 12 + infoLength));
  } catch {
    throw refuse('the model header is damaged');
  }
  if (!TRAINER_NAMES.includes(info?.forest?.trainer) || !Array.isArray(info.classes) || !Array.isArray(info.featureNames)) throw refuse('the model header is damaged');
  const trees: Uint8Array[] = [];
  for (let at = 12 + infoLength; at < bytes.length; ) {
    if (at + 4 > bytes.length) throw refuse('the model file is truncated');
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) throw refuse('the model file is truncated');
    trees.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (trees.length !== info.forest.trees) throw refuse(`the model file holds ${trees.length} of its ${info.forest.trees} trees: it is truncated`);
  let forest: Forest;
  try {
    forest = Forest.fromTrees(info.forest.trainer, info.classes, trees);
  } catch (error) {
    throw refuse(`a tree is damaged (${(error as Error).message})`);
  }
  checkHeaderAgainstTrees(info, forest, refuse);
  return {info, forest};
}

/** A header edited apart from its trees would predict from the wrong columns, or into classes it does not name. */
function checkHeaderAgainstTrees(info: ModelInfo, forest: Forest, refuse: (problem: string) => InputError): void {
  const {features, classes} = forest.shape;
  if (info.classes.length < 2) throw refuse(`the header names ${info.classes.length} classes (a classifier has at least 2): it is damaged`);
  if (classes > info.classes.length) throw refuse(`the trees vote for ${classes} classes but the header names ${info.classes.length}: it is damaged`);
  if (features > info.featureNames.length) throw refuse(`the trees read ${features} features but the header names ${info.featureNames.length}: it is damaged`);
  for (const [what, names] of [['feature', info.featureNames], ['class', info.classes]] as const) {
    const twice = names.find((name, i) => typeof name !== 'string' || names.indexOf(name) !== i);
    if (twice !== undefined) throw refuse(`the header's ${what} names are not distinct strings (${JSON.stringify(twice)}): it is damaged`);
  }
}

export function saveModel(model: SavedModel, file: string): void {
  writeFileSync(file, encodeModel(model));
}

export function loadModel(file: string): {info: ModelInfo; forest: Forest} {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({file, problem: code === 'ENOENT' ? 'model file not found' : `cannot read the model (${code})`, fix: 'train one with cluster train --out FILE'});
  }
  return decodeModel(bytes, file);
}
