import {createHash} from 'node:crypto';
import {closeSync, readSync} from 'node:fs';
import type {ForestSpec} from './spec.js';
import {InputError} from '../errors.js';
import {openReadable, readBounded} from '../files/read-text.js';
import {userFileError} from '../files/user-file.js';
import {writeWhole} from '../files/write-whole.js';
import {formatBytes, LIMITS} from '../limits.js';
import {Forest} from './forest.js';
import {TRAINER_NAMES} from './trainer-names.js';

/** What a model file says about itself, ahead of its trees. */
export interface ModelInfo {
  forest: ForestSpec;
  classes: string[];
  featureNames: string[];
  target: string;
  /** Per feature, the value that fills a missing one (train --missing mean or median). */
  fill?: number[];
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

// "CLRF", u32 version, the SHA-256 of everything after it, u32 info length, the info as JSON, then
// per tree u32 length + bytes. The digest catches what the structure cannot: a flipped bit in a
// threshold or a class name would otherwise predict wrong answers silently. Version 1 (no digest)
// is still read.
const MAGIC = Buffer.from('CLRF');
const VERSION = 2;
const DIGEST_BYTES = 32;
const HEAD_BYTES = {1: 12, 2: 12 + DIGEST_BYTES} as const;

export function encodeModel(model: SavedModel): Buffer {
  const {trees, ...info} = model;
  const json = Buffer.from(JSON.stringify(info));
  const infoLength = Buffer.alloc(4);
  infoLength.writeUInt32LE(json.length);
  const parts: Uint8Array[] = [infoLength, json];
  for (const tree of trees) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(tree.byteLength);
    parts.push(length, tree);
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(VERSION, 4);
  return Buffer.concat([head, digestOf(body), body]);
}

const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** Reads a model, refusing anything truncated, damaged or not a model with a message, never a crash. */
export function decodeModel(bytes: Buffer, file: string): LoadedModel {
  const refuse = (problem: string) => notAModel(file, problem);
  if (bytes.length < 12 || !bytes.subarray(0, 4).equals(MAGIC)) throw refuse('not a cluster model file');
  const version = bytes.readUInt32LE(4);
  if (version !== 1 && version !== 2) throw refuse(`model format version ${version} is not supported by this version`);
  const headBytes = HEAD_BYTES[version];
  if (headBytes > bytes.length) throw refuse('the model file is truncated');
  const infoLength = bytes.readUInt32LE(headBytes - 4);
  if (headBytes + infoLength > bytes.length) throw refuse('the model file is truncated');
  let info: ModelInfo;
  try {
    info = JSON.parse(bytes.toString('utf8', headBytes, headBytes + infoLength));
  } catch {
    throw refuse('the model header is damaged');
  }
  if (
    !TRAINER_NAMES.includes(info?.forest?.trainer) ||
    !Array.isArray(info.classes) ||
    !Array.isArray(info.featureNames)
  )
    throw refuse('the model header is damaged');
  const trees: Uint8Array[] = [];
  for (let at = headBytes + infoLength; at < bytes.length;) {
    if (at + 4 > bytes.length) throw refuse('the model file is truncated');
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) throw refuse('the model file is truncated');
    trees.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
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
  if (version === 2 && !digestOf(bytes.subarray(headBytes - 4)).equals(bytes.subarray(8, 8 + DIGEST_BYTES)))
    throw refuse('the model file is damaged (its SHA-256 does not match its content)');
  return {
    info,
    forest,
    ...(version === 1
      ? {
          warning: `${file}: written by an earlier version, without a SHA-256: damage to it, or a header edited apart from its trees, cannot be detected (train it again to get a checked model file)`,
        }
      : {}),
  };
}

/** A header edited apart from its trees would predict from the wrong columns, or into classes it does not name. */
function checkHeaderAgainstTrees(info: ModelInfo, forest: Forest, refuse: (problem: string) => InputError): void {
  const {features, classes} = forest.shape;
  if (info.classes.length < 2)
    throw refuse(`the header names ${info.classes.length} classes (a classifier has at least 2): it is damaged`);
  if (classes > info.classes.length)
    throw refuse(`the trees vote for ${classes} classes but the header names ${info.classes.length}: it is damaged`);
  if (features > info.featureNames.length)
    throw refuse(`the trees read ${features} features but the header names ${info.featureNames.length}: it is damaged`);
  if (
    info.fill !== undefined &&
    !(Array.isArray(info.fill) && info.fill.length === info.featureNames.length && info.fill.every(Number.isFinite))
  )
    throw refuse("the header's fill values are not one number per feature: it is damaged");
  for (const [what, names] of [
    ['feature', info.featureNames],
    ['class', info.classes],
  ] as const) {
    const twice = names.find((name, i) => typeof name !== 'string' || names.indexOf(name) !== i);
    if (twice !== undefined)
      throw refuse(`the header's ${what} names are not distinct strings (${JSON.stringify(twice)}): it is damaged`);
  }
}

/** Whole or not at all: a model file that exists is never half written. */
export function saveModel(model: SavedModel, file: string): void {
  writeWhole(file, encodeModel(model));
}

export function loadModel(file: string): LoadedModel {
  let bytes: Buffer;
  try {
    const tooLarge = () =>
      notAModel(file, `the file is larger than the ${formatBytes(LIMITS.modelBytes)} a model may be`);
    // The magic first: a device or a huge file that is not a model is refused before it is read.
    if (!startsWith(file, MAGIC)) throw notAModel(file, 'not a cluster model file');
    bytes = readBounded(file, LIMITS.modelBytes, tooLarge);
  } catch (error) {
    throw userFileError(error, file, 'model file', 'train one with cluster train --out FILE');
  }
  return decodeModel(bytes, file);
}

const notAModel = (file: string, problem: string) =>
  new InputError({file, problem, fix: 'pass a file written by cluster train --out'});

function startsWith(file: string, magic: Buffer): boolean {
  const fd = openReadable(file);
  try {
    const head = Buffer.alloc(magic.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(magic);
  } finally {
    closeSync(fd);
  }
}
