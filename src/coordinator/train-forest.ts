import {performance} from 'node:perf_hooks';
import type {Dataset} from '../data/dataset.js';
import {treeSeed} from '../data/random.js';
import {HostError} from '../errors.js';
import type {TreeOptions} from '../forest/trainer.js';
import type {Schedule} from '../schedule/schedule.js';
import {emptyHostRun, type Fault, type HostRun, RunFailedError, type TimelineEntry} from './run.js';

export {RunFailedError} from './run.js';
import type {TreeResult, WorkerClient} from './worker-client.js';

export interface ForestRequest {
  workers: readonly WorkerClient[];
  dataset: Dataset;
  datasetHash: string;
  options: TreeOptions;
  trees: number;
  forestSeed: number;
  schedule: Schedule;
  /** Called after each new tree arrives. */
  onTree?: (done: number, total: number) => void;
}

export interface TrainedForest {
  /** Serialised trees, by index. */
  trees: Uint8Array[];
  /** Wall time from the first byte sent (data set included) to the last tree received. */
  seconds: number;
  hosts: HostRun[];
  faults: Fault[];
  timeline: TimelineEntry[];
}

/**
 * Trees a host may have ordered beyond its slots, so a slot never waits on a round trip: one at
 * first, then as many as a round trip lasts in trees (on a slow link a tree is shorter than the
 * trip), up to a cap that keeps work from piling up on one host.
 */
const MAX_PREFETCH_PER_SLOT = 16;
let runs = 0;

/** Every host of the run was lost before the forest was whole. */

/**
 * Trains one forest across the given workers and merges the trees by index. A host that fails
 * loses only the trees it had not returned; they go back to the schedule, and since every tree's
 * seed depends on its index only, the forest is the one an undisturbed run gives.
 */
export async function trainForest(request: ForestRequest): Promise<TrainedForest> {
  return new ForestRun(request).train();
}

/**
 * One run of trainForest: ship the data set to each host, order trees as slots free up, collect
 * them by index, hand a lost host's trees to the others, and sum up each host's part at the end.
 */
class ForestRun {
  private readonly run = ++runs;
  private readonly started = performance.now();
  private readonly total: number;
  private readonly trees: Uint8Array[];
  private readonly hostRuns: Map<string, HostRun>;
  /** Per host: the trees ordered and not yet returned. */
  private readonly outstanding: Map<string, Set<number>>;
  private readonly active: Set<WorkerClient>;
  /** Hosts that have the data set. */
  private readonly ready = new Set<WorkerClient>();
  private readonly faults: Fault[] = [];
  private readonly timeline: TimelineEntry[] = [];
  private readonly orderedAt = new Map<string, number>();
  private readonly pace = new Pace();
  private done = 0;
  private finish: () => void = () => undefined;
  private fail: (error: Error) => void = () => undefined;

  constructor(private readonly request: ForestRequest) {
    const {workers, trees} = request;
    this.total = trees;
    this.trees = new Array<Uint8Array>(trees);
    this.hostRuns = new Map(workers.map((w) => [w.host.name, emptyHostRun(w.host.name, w.host.cores)]));
    this.outstanding = new Map(workers.map((w) => [w.host.name, new Set()]));
    this.active = new Set(workers.filter((w) => !w.isLost));
  }

  async train(): Promise<TrainedForest> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.finish = resolve;
        this.fail = reject;
        this.start();
      });
    } finally {
      this.stopWorkers();
    }
    return this.summary();
  }

  private clock(): number {
    return (performance.now() - this.started) / 1000;
  }

  private start(): void {
    if (this.active.size === 0) return this.fail(new RunFailedError(this.faults));
    for (const worker of this.active) {
      worker.listen({tree: (result) => this.receive(worker, result), failed: (error) => this.lose(worker, error)});
      this.shipData(worker);
    }
  }

  /** Each host starts as soon as it has the data set, not when the slowest link has delivered. */
  private shipData(worker: WorkerClient): void {
    const shipStart = this.clock();
    worker.ensureDataset(this.request.dataset, this.request.datasetHash).then(
      (bytes) => {
        Object.assign(this.hostRuns.get(worker.host.name)!, {
          shipSeconds: this.clock() - shipStart,
          shippedBytes: bytes,
        });
        this.ready.add(worker);
        this.fillAll();
      },
      (error: HostError) => this.lose(worker, error),
    );
  }

  /** Orders as many trees as the host has room for, if it is ready and the schedule has any for it. */
  private order(worker: WorkerClient): void {
    if (!this.active.has(worker) || !this.ready.has(worker)) return;
    const pending = this.outstanding.get(worker.host.name)!;
    const room = this.pace.room(worker, pending.size);
    const indices = this.request.schedule.take(worker.host.name, room);
    if (indices.length === 0) return;
    for (const index of indices) {
      pending.add(index);
      this.orderedAt.set(`${worker.host.name}:${index}`, this.clock());
    }
    const {forestSeed, datasetHash, options} = this.request;
    worker.train(
      this.run,
      datasetHash,
      options,
      indices.map((index) => ({index, seed: treeSeed(forestSeed, index)})),
    );
  }

  private fillAll(): void {
    for (const worker of this.active) this.order(worker);
    const busy = [...this.active].some((w) => !this.ready.has(w) || this.outstanding.get(w.host.name)!.size > 0);
    if (this.done < this.total && this.active.size > 0 && !busy)
      this.fail(new Error(`the schedule gave out only ${this.done} of ${this.total} trees`));
  }

  /** A host failed: its unreturned trees go back to the schedule for the others. */
  private lose(worker: WorkerClient, error: HostError): void {
    if (!this.active.delete(worker)) return;
    const pending = this.outstanding.get(worker.host.name)!;
    const unfinished = [...pending].filter((index) => !this.trees[index]);
    pending.clear();
    this.faults.push({
      host: worker.host.name,
      reason: error.reason,
      message: error.message,
      at: this.clock(),
      requeued: unfinished.length,
    });
    this.request.schedule.lost(worker.host.name, unfinished);
    if (this.active.size === 0) return this.fail(new RunFailedError(this.faults));
    this.fillAll();
  }

  private receive(worker: WorkerClient, result: TreeResult): void {
    // A tree ordered by an earlier run (a prefetched or speculative one still in flight) is not ours.
    if (result.run !== this.run) return;
    const hostRun = this.hostRuns.get(result.host)!;
    this.outstanding.get(result.host)!.delete(result.index);
    const end = this.clock();
    const sent = this.orderedAt.get(`${result.host}:${result.index}`);
    if (sent !== undefined) this.pace.record(result, end - sent);
    const kept = !this.trees[result.index];
    this.timeline.push({
      host: result.host,
      slot: result.slot,
      index: result.index,
      start: Math.max(0, end - result.seconds),
      end,
      kept,
    });
    hostRun.trainSeconds += result.seconds;
    if (!kept) {
      hostRun.reexecuted++;
      return this.order(worker);
    }
    this.keep(result, hostRun);
  }

  /** The first copy of a tree to arrive is the forest's. */
  private keep(result: TreeResult, hostRun: HostRun): void {
    this.trees[result.index] = result.tree;
    hostRun.items++;
    this.request.schedule.completed(result.index);
    this.done++;
    this.request.onTree?.(this.done, this.total);
    if (this.done === this.total) return this.finish();
    this.fillAll();
  }

  private stopWorkers(): void {
    for (const worker of this.request.workers) {
      worker.listen(undefined);
      // Prefetched and speculative trees still queued are of no use now.
      worker.cancel(this.run);
    }
  }

  private summary(): TrainedForest {
    const seconds = this.clock();
    for (const hostRun of this.hostRuns.values()) {
      hostRun.utilisation = hostRun.trainSeconds / (hostRun.cores * seconds);
      hostRun.waitSeconds = Math.max(0, seconds - hostRun.shipSeconds - hostRun.trainSeconds / hostRun.cores);
    }
    const {trees, faults, timeline} = this;
    return {trees, seconds, hosts: [...this.hostRuns.values()], faults, timeline};
  }
}

/** Per host: smoothed round trip (network and messages, not training or queueing) and tree time. */
class Pace {
  private readonly measured = new Map<string, {trip: number; tree: number}>();

  /** Trees the host may be ordered now: its slots, each with its prefetch, less those it has. */
  room(worker: WorkerClient, outstanding: number): number {
    const measured = this.measured.get(worker.host.name);
    const prefetch = measured
      ? Math.min(MAX_PREFETCH_PER_SLOT, 1 + Math.ceil(measured.trip / Math.max(measured.tree, 1e-3)))
      : 1;
    return worker.host.cores * (1 + prefetch) - outstanding;
  }

  /** A tree came back `elapsed` seconds after it was ordered. */
  record(result: TreeResult, elapsed: number): void {
    const trip = Math.max(0, elapsed - result.waited - result.seconds);
    const last = this.measured.get(result.host);
    this.measured.set(
      result.host,
      last
        ? {trip: 0.7 * last.trip + 0.3 * trip, tree: 0.7 * last.tree + 0.3 * result.seconds}
        : {trip, tree: result.seconds},
    );
  }
}
