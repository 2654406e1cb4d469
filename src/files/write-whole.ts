import {lstatSync, renameSync, rmSync, writeFileSync} from 'node:fs';

/**
 * Writes a file whole or not at all: under a temporary name beside it, then renamed over it, so a
 * full disk or a kill mid-write never leaves half a file under the real name (nor destroys the one
 * that was there). A path that exists as something else than a regular file (a device such as
 * /dev/null, a FIFO, a symlink) is written through, as the user meant: a rename would replace the
 * device or the link itself.
 */
export function writeWhole(path: string, data: string | Uint8Array): void {
  if (existsAsOtherThanFile(path)) return writeFileSync(path, data);
  const draft = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(draft, data);
    renameSync(draft, path);
  } catch (error) {
    rmSync(draft, {force: true});
    throw error;
  }
}

function existsAsOtherThanFile(path: string): boolean {
  try {
    return !lstatSync(path).isFile();
  } catch {
    return false;
  }
}

/** What went wrong with a file, as the user reads it: the errno code (EFBIG, ENOSPC, EACCES) or the message. */
export function ioProblem(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
