import {statSync, type Stats} from 'node:fs';
import {resolve} from 'node:path';
import {InputError} from '../errors.js';

/** A file a command reads or writes, with the flag (or the field) that named it. */
export interface NamedFile {
  flag: string;
  path: string;
}

/**
 * Refuses, before any work, an output that is one of the same command's inputs: `train --data
 * d.csv --out d.csv` replaced the data with the model, `predict --model m.bin --out m.bin` the model
 * with predictions.
 */
export function checkNotAnInput(output: NamedFile, inputs: readonly (NamedFile | undefined)[]): void {
  const input = inputs.find((candidate) => candidate !== undefined && sameFile(output.path, candidate.path));
  if (input)
    throw new InputError({
      file: output.flag,
      problem: `'${output.path}' is the file given to ${input.flag} ('${input.path}'): writing it would replace that input`,
      fix: `name another file for ${output.flag}`,
    });
}

/**
 * The same file however it is reached: the same path, or the same inode through a link or a hard
 * link. A device or a pipe is never "the same": /dev/stdin and /dev/stdout may both be the terminal.
 */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  const [one, other] = [statOf(a), statOf(b)];
  return one?.isFile() === true && other?.isFile() === true && one.dev === other.dev && one.ino === other.ino;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
