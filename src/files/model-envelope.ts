import {createHash} from 'node:crypto';
import {closeSync, readSync} from 'node:fs';
import {InputError} from '../errors.js';
import {formatBytes, LIMITS} from '../limits.js';
import {openReadable, readBounded} from './read-text.js';
import {userFileError} from './user-file.js';

/**
 * The envelope every model file shares, whatever it holds (a forest's trees, a network's weights):
 * "CLRF", u32 version, the SHA-256 of everything after it, u32 header length, the header as JSON,
 * then the body, whose layout the header's kind sets. The digest catches what the structure cannot:
 * a flipped bit in a threshold, a weight or a class name would otherwise predict wrong answers
 * silently. Version 1 (no digest) and 2 (no kind: a forest) are still read; 3 names its kind.
 */
const MAGIC = Buffer.from('CLRF');
export const MODEL_VERSION = 3;
const DIGEST_BYTES = 32;
const headBytesOf = (version: number) => (version === 1 ? 12 : 12 + DIGEST_BYTES);

/** What a kind's reader gets: the header's fields, the body's bytes, and the digest's check to make last. */
export interface ModelEnvelope {
  file: string;
  version: number;
  /** 'forest' for versions 1 and 2, which knew no other. */
  kind: string;
  header: Record<string, unknown>;
  body: Buffer;
  /** Throws unless the bytes are those the digest was made of: called after the structural checks, which name what is wrong when they can. */
  checkDigest(): void;
  /** Format 1 carries no digest: what loaded cannot be vouched for, and the user is told so. */
  warning?: string;
}

export const PASS_A_MODEL = 'pass a file written by cluster train --out';

export const notAModel = (file: string, problem: string, fix = PASS_A_MODEL) => new InputError({file, problem, fix});

/** A model file's bytes: the header (kind first) as JSON, then the body's parts. */
export function sealModel(header: {kind: string} & Record<string, unknown>, body: readonly Uint8Array[]): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const headerLength = Buffer.alloc(4);
  headerLength.writeUInt32LE(json.length);
  const rest = Buffer.concat([headerLength, json, ...body]);
  const head = Buffer.alloc(8);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(MODEL_VERSION, 4);
  return Buffer.concat([head, digestOf(rest), rest]);
}

const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** Opens the envelope, refusing what is not a model, is truncated in its header, or is of a later format. */
export function openModel(bytes: Buffer, file: string): ModelEnvelope {
  const refuse = (problem: string) => notAModel(file, problem);
  if (bytes.length < 12 || !bytes.subarray(0, 4).equals(MAGIC)) throw refuse('not a cluster model file');
  const version = bytes.readUInt32LE(4);
  if (version > MODEL_VERSION)
    throw notAModel(
      file,
      `model format version ${version} is newer than this version of cluster reads (1 to ${MODEL_VERSION})`,
      'upgrade cluster to read it, or train the model again with this version',
    );
  if (version < 1) throw refuse('the model file is damaged (format version 0)');
  const headBytes = headBytesOf(version);
  if (headBytes > bytes.length) throw refuse('the model file is truncated');
  const headerLength = bytes.readUInt32LE(headBytes - 4);
  if (headBytes + headerLength > bytes.length) throw refuse('the model file is truncated');
  const header = parseHeader(bytes.toString('utf8', headBytes, headBytes + headerLength));
  if (header === undefined) throw refuse('the model header is damaged');
  const kind = version < 3 ? 'forest' : header.kind;
  if (typeof kind !== 'string') throw refuse('the model header is damaged');
  const checkDigest = () => {
    if (version > 1 && !digestOf(bytes.subarray(headBytes - 4)).equals(bytes.subarray(8, 8 + DIGEST_BYTES)))
      throw refuse('the model file is damaged (its SHA-256 does not match its content)');
  };
  return {
    file,
    version,
    kind,
    header,
    body: bytes.subarray(headBytes + headerLength),
    checkDigest,
    ...(version === 1
      ? {
          warning: `${file}: written by an earlier version, without a SHA-256: damage to it, or a header edited apart from its trees, cannot be detected (train it again to get a checked model file)`,
        }
      : {}),
  };
}

function parseHeader(text: string): Record<string, unknown> | undefined {
  try {
    const header: unknown = JSON.parse(text);
    return header !== null && typeof header === 'object' && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A model file's bytes, read whole; a file that does not start as a model (a device, a huge CSV) is refused before it is read. */
export function readModelFile(file: string): Buffer {
  try {
    const tooLarge = () =>
      notAModel(file, `the file is larger than the ${formatBytes(LIMITS.modelBytes)} a model may be`);
    if (!startsWith(file, MAGIC)) throw notAModel(file, 'not a cluster model file');
    return readBounded(file, LIMITS.modelBytes, tooLarge);
  } catch (error) {
    throw userFileError(error, file, 'model file', 'train one with cluster train --out FILE');
  }
}

function startsWith(file: string, magic: Buffer): boolean {
  const fd = openReadable(file);
  try {
    const head = Buffer.alloc(magic.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(magic);
  } finally {
    closeSync(fd);
  }
}
