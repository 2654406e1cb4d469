import {renameSync, rmSync, writeFileSync} from 'node:fs';

/**
 * Writes a file whole or not at all: under a temporary name beside it, then renamed over it, so a
 * full disk or a kill mid-write never leaves half a file under the real name (nor destroys the one
 * that was there).
 */
export function writeWhole(path: string, data: string | Uint8Array): void {
  const draft = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(draft, data);
    renameSync(draft, path);
  } catch (error) {
    rmSync(draft, {force: true});
    throw error;
  }
}

/** What went wrong with a file, as the user reads it: the errno code (EFBIG, ENOSPC, EACCES) or the message. */
export function ioProblem(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
