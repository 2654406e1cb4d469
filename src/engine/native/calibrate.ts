import type {Host} from '../../config/inventory.js';
import {trainForest} from '../../coordinator/train-forest.js';
import type {HostRun} from '../../coordinator/run.js';
import type {WorkerClient} from '../../coordinator/worker-client.js';
import type {WorkerSet} from '../../coordinator/worker-set.js';
import type {Dataset} from '../../data/dataset.js';
import type {TreeOptions} from '../../forest/trainer.js';
import {staticCoresSchedule} from '../../schedule/static.js';
import {calibrationKey, defaultCacheFile, dropCalibrations, readCache, saveCalibrations} from './calibration-cache.js';
import {hostSpeed} from '../../results/efficiency.js';
import {type MachineLoad, machineLoads, pairSamples} from '../../results/interference.js';
import {sampleCpu} from './interference.js';
import {median} from '../../results/stats.js';
import {interferingShare} from '../../results/warnings.js';

/**
 * Warm-up: trees until each slot has trained this long, so code is compiled, threads started and
 * the data binned (outside the slots' clocks) before anything counts.
 */
const WARM_SECONDS = 0.25;
/** Each measured run gives every slot about this much training, at least 3 trees and at most 1,000 (the smallest trees, 0.1 ms). */
const TARGET_SECONDS = 1;
const MIN_TREES_PER_SLOT = 3;
const MAX_TREES_PER_SLOT = 1000;
/** Measured runs, of which the median is taken: a moment's noise does not become the host's speed. */
const REPEATS = 3;

export interface CalibrationRequest {
  workers: WorkerSet;
  hosts: readonly Host[];
  dataset: Dataset;
  datasetHash: string;
  options: TreeOptions;
  /** Measure again even where the cache has a figure. */
  fresh?: boolean;
  cacheFile?: string;
  /** Hears each host as its measuring starts. */
  onHost?: (host: string) => void;
}

export interface HostCalibrations {
  /** Trees per second with all its slots, per host. */
  throughput: Map<string, number>;
  /** Per host measured under load: the share of its machine's CPU other processes took (over the bound), so its figure serves this sweep only and was not cached. */
  loaded: Map<string, number>;
}

/**
 * Each host's throughput alone on the experiment's data set (shipped first, so shipping is not
 * counted): trees per second of its slots' training time, times its cores, as a host's speed in a
 * run is counted. Cached per host, machine, limits and data set (see calibrationKey).
 */
export async function calibrate(request: CalibrationRequest): Promise<HostCalibrations> {
  const file = request.cacheFile ?? defaultCacheFile();
  const cache = readCache(file);
  const result: HostCalibrations = {throughput: new Map(), loaded: new Map()};
  const measured: Record<string, number> = {};
  for (const host of request.hosts) {
    const [worker] = request.workers.get([host.name]);
    const key = calibrationKey(host, await worker.identity(), request.datasetHash, request.options);
    if (!request.fresh && cache[key]) {
      result.throughput.set(host.name, cache[key]);
      continue;
    }
    request.onHost?.(host.name);
    const {speed, load} = await measureHost(request, worker, host);
    result.throughput.set(host.name, speed);
    const busy = load && interferingShare(load);
    if (busy === undefined) measured[key] = speed;
    else result.loaded.set(host.name, busy);
  }
  if (Object.keys(measured).length > 0) saveCalibrations(file, measured);
  return result;
}

/** Drops these hosts' cached figures (a run showed them wrong); a host whose worker no longer answers keeps its figure. */
export async function forgetCalibrations(request: Omit<CalibrationRequest, 'dataset' | 'fresh'>): Promise<void> {
  const keys = await Promise.all(
    request.hosts.map(async (host) => {
      const [worker] = request.workers.get([host.name]);
      return worker.identity().then(
        (machine) => [calibrationKey(host, machine, request.datasetHash, request.options)],
        () => [],
      );
    }),
  );
  dropCalibrations(request.cacheFile ?? defaultCacheFile(), keys.flat());
}

/** Warm-up, then REPEATS runs long enough to time, with the machine's load sampled around them. */
async function measureHost(
  request: CalibrationRequest,
  worker: WorkerClient,
  host: Host,
): Promise<{speed: number; load?: MachineLoad}> {
  const {dataset, datasetHash, options} = request;
  await worker.ensureDataset(dataset, datasetHash);
  const runFor = async (perSlot: number): Promise<HostRun> => {
    const trees = perSlot * host.cores;
    return (
      await trainForest({
        workers: [worker],
        dataset,
        datasetHash,
        options,
        trees,
        forestSeed: 0x5eed,
        schedule: staticCoresSchedule({hosts: [host], trees}),
      })
    ).hosts[0];
  };
  let perSlot = 1;
  let run = await runFor(perSlot);
  while (slotSeconds(run) < WARM_SECONDS && perSlot < MAX_TREES_PER_SLOT) {
    perSlot = treesFor(WARM_SECONDS, run, perSlot);
    run = await runFor(perSlot);
  }
  // Every worker of the sweep is sampled: they are this toolkit's, and their idle CPU is not other processes' load.
  const everyone = request.workers.get(request.hosts.map((h) => h.name));
  const before = await sampleCpu(everyone);
  perSlot = Math.max(MIN_TREES_PER_SLOT, treesFor(TARGET_SECONDS, run, perSlot));
  const speeds: number[] = [];
  while (speeds.length < REPEATS) {
    run = await runFor(perSlot);
    // The warm-up's pace promised more than a run gave: more trees, and this run does not count.
    if (slotSeconds(run) < TARGET_SECONDS / 2 && perSlot < MAX_TREES_PER_SLOT) {
      perSlot = treesFor(TARGET_SECONDS, run, perSlot);
      continue;
    }
    speeds.push(hostSpeed(run, undefined) ?? 0);
  }
  const load = machineLoads(pairSamples(before, await sampleCpu(everyone))).find((l) => l.hosts.includes(host.name));
  return {speed: median(speeds), load};
}

/** Each slot's training time in the run (its slots train side by side). */
function slotSeconds(run: HostRun): number {
  return run.trainSeconds / run.cores;
}

/** Trees per slot for `seconds` of training at the run's pace: at least twice as many as before, at most the cap. */
function treesFor(seconds: number, run: HostRun, perSlot: number): number {
  const perTree = run.trainSeconds / Math.max(1, run.items + run.reexecuted);
  const wanted = perTree > 0 ? Math.ceil(seconds / perTree) : MAX_TREES_PER_SLOT;
  return Math.min(MAX_TREES_PER_SLOT, Math.max(2 * perSlot, wanted));
}
