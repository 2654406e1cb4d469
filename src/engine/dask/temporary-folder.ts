import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {onExit} from 'signal-exit';

/** A private folder (mode 0700) of the sweep's training rows and certificates. */
export interface TemporaryFolder {
  readonly path: string;
  /** A private folder inside it. */
  folder(name: string): string;
  remove(): void;
}

/**
 * Makes one under the system's temporary folder. Besides `remove()`, it goes when the process
 * exits, by a signal too (HUP, TERM, INT unhandled), since an abort handler may never get to run.
 */
export function temporaryFolder(prefix: string): TemporaryFolder {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const removeNow = () => rmSync(path, {recursive: true, force: true});
  const unhook = onExit(removeNow);
  return {
    path,
    folder(name) {
      const inner = join(path, name);
      mkdirSync(inner, {mode: 0o700});
      return inner;
    },
    remove() {
      unhook();
      removeNow();
    },
  };
}
