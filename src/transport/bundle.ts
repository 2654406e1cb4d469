import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {WORKER_BUNDLE} from './local.js';

export interface WorkerBundle {
  file: string;
  bytes: Buffer;
  sha256: string;
  /** Names the folder the bundle lives in on a host, so a new bundle never overwrites a running one. */
  version: string;
}

let cached: WorkerBundle | undefined;

/** The worker bundle this coordinator ships: dist/worker.mjs, built by `npm install`. */
export function workerBundle(): WorkerBundle {
  if (!cached) {
    const bytes = readFileSync(WORKER_BUNDLE);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    cached = {file: WORKER_BUNDLE, bytes, sha256, version: `worker-${sha256.slice(0, 16)}`};
  }
  return cached;
}

/**
 * Shell text for the bundle's path on a host, under the user's cache folder (XDG_CACHE_HOME, else
 * ~/.cache). Fixed text and a hex version: nothing from the inventory.
 */
export function remoteBundlePath(version: string): string {
  if (!/^worker-[0-9a-f]+$/.test(version)) throw new Error(`bad bundle version ${version}`);
  return `"\${XDG_CACHE_HOME:-$HOME/.cache}/cluster/${version}/worker.mjs"`;
}

/** The same path, spelt out from the cache folder a probe reported (for SFTP, which expands nothing). */
export function bundlePathIn(cacheDir: string, version: string): string {
  return `${cacheDir}/cluster/${version}/worker.mjs`;
}
