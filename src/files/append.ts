import {closeSync, constants, openSync, writeSync} from 'node:fs';
import {InputError} from '../errors.js';
import {UNTRUSTED_LINK_FIX, walkLinks} from './links.js';

const {O_APPEND, O_CREAT, O_NOFOLLOW, O_WRONLY} = constants;

/**
 * Appends `text` to `file`, made with `mode` if missing. Links are followed as writeWhole follows
 * them (ours or root's; another user's is refused), and the file at their end is opened with
 * O_NOFOLLOW: a link planted there since is not written through. A device (/dev/null) is written to.
 */
export function appendToFile(file: string, text: string, mode: number): void {
  const end = walkLinks(file);
  if ('problem' in end) throw new InputError({file, problem: end.problem, fix: UNTRUSTED_LINK_FIX});
  const fd = openSync(end.path, end.special ? O_WRONLY | O_APPEND : O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, mode);
  try {
    const bytes = Buffer.from(text);
    for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
  } finally {
    closeSync(fd);
  }
}
