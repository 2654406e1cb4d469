import {existsSync, lstatSync, mkdirSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import type {Host} from '../../config/inventory.js';
import {readTextFile} from '../../files/read-text.js';
import {writeWhole} from '../../files/write-whole.js';
import type {TreeOptions} from '../../forest/trainer.js';
import {LIMITS} from '../../limits.js';
import type {MachineIdentity} from '../../protocol/messages.js';

/** Bumped when the way of measuring changes, so figures cached the old way are measured again (and pruned). */
const METHOD = 'warm-slot-time';

export function defaultCacheFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cluster', 'calibration.json');
}

/**
 * A figure is reused only on the same machine under the same limits, as the host's worker reports
 * them: a reboot or a rebuilt VM (boot id), other CPUs, another cgroup quota (a lab host rebuilt at
 * another `cpu:`), another Node.js; and on the same data set and forest options.
 */
export function calibrationKey(
  host: Host,
  machine: MachineIdentity,
  datasetHash: string,
  options: TreeOptions,
): string {
  const {bootId, cpuModel, cpus, available, cpuQuota, arch, node} = machine;
  return [
    METHOD,
    host.name,
    host.cores,
    JSON.stringify([bootId, cpuModel, cpus, available, cpuQuota, arch, node]),
    datasetHash,
    JSON.stringify(options),
  ].join('|');
}

/** Adds figures to the cache as it is now on disk (another bench may have written it meanwhile); entries of an older method go. */
export function saveCalibrations(file: string, figures: Record<string, number>): void {
  const current = Object.entries(readCache(file)).filter(([key]) => key.startsWith(`${METHOD}|`));
  writeCache(file, {...Object.fromEntries(current), ...figures});
}

/** Drops figures that a run showed to be wrong, so the next sweep measures those hosts again. */
export function dropCalibrations(file: string, keys: readonly string[]): void {
  const cache = readCache(file);
  if (!keys.some((key) => key in cache)) return;
  for (const key of keys) delete cache[key];
  writeCache(file, cache);
}

/**
 * The cached throughputs, only those that are speeds: a cache edited by hand, cut short, or replaced
 * by a pipe or a device is a cache miss (a calibration more), never a wrong speed or a hang.
 */
export function readCache(file: string): Record<string, number> {
  let cache: unknown;
  try {
    cache = JSON.parse(readTextFile(file, {limit: LIMITS.sshFileBytes, what: 'a calibration cache', tooLargeFix: ''}));
  } catch {
    return {};
  }
  if (typeof cache !== 'object' || cache === null || Array.isArray(cache)) return {};
  return Object.fromEntries(
    Object.entries(cache).filter(([, speed]) => typeof speed === 'number' && Number.isFinite(speed) && speed > 0),
  );
}

export function writeCache(file: string, cache: Record<string, number>): void {
  try {
    mkdirSync(dirname(file), {recursive: true});
    // Whole or not at all, and never written through a pipe (opening one would wait for a reader).
    if (existsSync(file) && !lstatSync(file).isFile()) return;
    writeWhole(file, JSON.stringify(cache, null, 1));
  } catch {
    // A cache we cannot write only costs a calibration next time.
  }
}
