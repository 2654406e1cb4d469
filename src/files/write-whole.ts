import {randomBytes} from 'node:crypto';
import {closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {InputError} from '../errors.js';
import {UNTRUSTED_LINK_FIX, walkLinks} from './links.js';

const {O_CREAT, O_EXCL, O_NOFOLLOW, O_TRUNC, O_WRONLY} = constants;

/**
 * Writes a file whole or not at all: under a temporary name beside it, then renamed over it, so a
 * full disk or a kill mid-write never leaves half a file under the real name (nor destroys the one
 * that was there). A link of ours (or root's) is followed and its target replaced, as the user
 * meant; one owned by another user is refused. A device or a FIFO (/dev/null) is written through:
 * a rename would replace the device itself.
 */
export function writeWhole(path: string, data: string | Uint8Array): void {
  const end = walkLinks(path);
  if ('problem' in end) throw new InputError({file: path, problem: end.problem, fix: UNTRUSTED_LINK_FIX});
  if (end.special) return writeThrough(end.path, data);
  replaceWhole(end.path, data, end.stats?.isFile() ? end.stats.mode & 0o777 : undefined);
}

/**
 * Puts a new file at `path` whole, replacing whatever name is there (a link itself, never its
 * target). The draft is created exclusively under a random name, so nobody can plant a link at a
 * name we are about to write, and stays 0600 until it is complete.
 */
export function replaceWhole(path: string, data: string | Uint8Array, mode = 0o666 & ~process.umask()): void {
  const {fd, draft} = openDraft(path);
  let open = true;
  try {
    writeAll(fd, data);
    fchmodSync(fd, mode);
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(draft, path);
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(draft, {force: true});
    throw error;
  }
}

/** Creates `path` with `data`, failing with EEXIST when anything (a dangling link included) is there. */
export function createExclusive(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666);
  try {
    writeAll(fd, data);
  } catch (error) {
    closeSync(fd);
    rmSync(path, {force: true});
    throw error;
  }
  closeSync(fd);
}

/** `out.csv.tmp-<16 hex>` beside `path`, made by us alone: O_EXCL fails on anything there, a link included. */
function openDraft(path: string): {fd: number; draft: string} {
  // Kept short of NAME_MAX (255) whatever the file's own name.
  const base = basename(path).slice(0, 200);
  for (let attempt = 1; ; attempt++) {
    const draft = join(dirname(path), `${base}.tmp-${randomBytes(8).toString('hex')}`);
    try {
      return {fd: openSync(draft, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600), draft};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 10) throw error;
    }
  }
}

/** Into what already exists, creating nothing: a name that vanished meanwhile is not made a file. */
function writeThrough(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, O_WRONLY | O_TRUNC);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
}

/** What went wrong with a file, as the user reads it: the errno code (EFBIG, ENOSPC, EACCES), our refusal, or the message. */
export function ioProblem(error: unknown): string {
  if (error instanceof InputError) return error.details.problem;
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
