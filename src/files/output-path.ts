import {statSync} from 'node:fs';
import {InputError} from '../errors.js';
import {UNTRUSTED_LINK_FIX, walkLinks} from './links.js';

/**
 * An output path refused before any work: given as '' (a script's unset variable), it was only found
 * when the file was written, after the fit or the sweep; a pipe (FIFO) or a socket would be opened
 * to write after the work and wait for a reader, for good if none comes; a link another user owns
 * is refused now rather than after the work.
 */
export function checkOutputPath(path: string, flag: string): void {
  if (path.trim() === '')
    throw new InputError({
      file: flag,
      problem: 'the file name is empty',
      fix: 'name the file to write, or leave the flag out',
    });
  const kind = specialFileKind(path);
  if (kind === 'a pipe (FIFO)' || kind === 'a socket')
    throw new InputError({
      file: flag,
      problem: `'${path}' is ${kind}: writing to it would wait for a reader`,
      fix: 'name a file; a command can read it afterwards',
    });
  const end = walkLinks(path);
  if ('problem' in end) throw new InputError({file: flag, problem: end.problem, fix: UNTRUSTED_LINK_FIX});
}

/**
 * What `path` is when it exists as something no file may be renamed onto (a device, a FIFO, a
 * socket; links followed): advice to `mv` a file there would, as root, replace /dev/full itself.
 */
export function specialFileKind(path: string): string | undefined {
  try {
    const stat = statSync(path);
    if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
    if (stat.isFIFO()) return 'a pipe (FIFO)';
    if (stat.isSocket()) return 'a socket';
    return undefined;
  } catch {
    return undefined;
  }
}
