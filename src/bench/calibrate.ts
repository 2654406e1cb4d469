import {existsSync, lstatSync, mkdirSync} from 'node:fs';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import type {Host} from '../config/inventory.js';
import {trainForest} from '../coordinator/train-forest.js';
import type {WorkerSet} from '../coordinator/worker-set.js';
import type {Dataset} from '../data/dataset.js';
import {readTextFile} from '../files/read-text.js';
import {writeWhole} from '../files/write-whole.js';
import type {TreeOptions} from '../forest/trainer.js';
import {LIMITS} from '../limits.js';
import {staticCoresSchedule} from '../schedule/static.js';
import {median} from './stats.js';

/**
 * A calibration run lasts about this long and has at least three trees per slot; it is repeated
 * and the median taken, so a moment's noise on a busy machine does not become the host's speed.
 */
const TARGET_SECONDS = 1;
const MIN_TREES_PER_SLOT = 3;
const MAX_TREES = 1000;
const REPEATS = 3;
/** Bumped when the way of measuring changes, so figures cached the old way are measured again. */
const METHOD = 'median-of-3';

export interface CalibrationRequest {
  workers: WorkerSet;
  hosts: readonly Host[];
  dataset: Dataset;
  datasetHash: string;
  options: TreeOptions;
  /** Measure again even where the cache has a figure. */
  fresh?: boolean;
  cacheFile?: string;
}

/**
 * Each host's throughput, trees per second with all its slots, measured alone on the experiment's
 * data set (already shipped, so shipping is not counted), and cached per host and data set.
 */
export async function calibrate(request: CalibrationRequest): Promise<Map<string, number>> {
  const file = request.cacheFile ?? defaultCacheFile();
  const cache = readCache(file);
  const throughput = new Map<string, number>();
  for (const host of request.hosts) {
    const key = [host.name, host.cores, request.datasetHash, JSON.stringify(request.options), METHOD].join('|');
    if (!request.fresh && cache[key]) {
      throughput.set(host.name, cache[key]);
      continue;
    }
    const [worker] = request.workers.get([host.name]);
    await worker.ensureDataset(request.dataset, request.datasetHash);
    const runFor = (count: number) => trainForest({workers: [worker], dataset: request.dataset, datasetHash: request.datasetHash, options: request.options, trees: count, forestSeed: 0x5eed, schedule: staticCoresSchedule({hosts: [host], trees: count})});
    // Unmeasured first: the first trees pay for starting threads and compiling code. They also
    // tell how many trees fill about a second.
    const warm = await runFor(MIN_TREES_PER_SLOT * host.cores);
    const trees = Math.min(MAX_TREES, Math.max(MIN_TREES_PER_SLOT * host.cores, Math.ceil((TARGET_SECONDS * MIN_TREES_PER_SLOT * host.cores) / warm.seconds)));
    const rates: number[] = [];
    for (let i = 0; i < REPEATS; i++) rates.push(trees / (await runFor(trees)).seconds);
    cache[key] = median(rates);
    throughput.set(host.name, cache[key]);
  }
  writeCache(file, cache);
  return throughput;
}

function defaultCacheFile(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cluster', 'calibration.json');
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
  return Object.fromEntries(Object.entries(cache).filter(([, speed]) => typeof speed === 'number' && Number.isFinite(speed) && speed > 0));
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
