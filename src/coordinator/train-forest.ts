import {performance} from 'node:perf_hooks';
import type {Dataset} from '../data/dataset.js';
import {treeSeed} from '../data/random.js';
import {HostError} from '../errors.js';
import type {TreeOptions} from '../forest/trainer.js';
import type {Schedule} from '../schedule/schedule.js';
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

/** What happened to a host during a run: it died, its link dropped, it went silent. */
export interface Fault {
  host: string;
  reason: string;
  message: string;
  /** Seconds into the run. */
  at: number;
  /** Trees it had not returned, handed to others. */
  requeued: number;
}

/** One host's part in one run. */
export interface HostRun {
  host: string;
  cores: number;
  /** Trees of the forest this host trained. */
  trees: number;
  /** Trees it trained that another host had already returned (speculative copies, dropped). */
  reexecuted: number;
  /** Sum of its slots' training time. */
  trainSeconds: number;
  /** trainSeconds / (cores x wall): how much of its capacity it used. */
  utilisation: number;
  /** Time to get the data set to it (0 when it had it cached). */
  shipSeconds: number;
  shippedBytes: number;
  /** Wall time its slots spent neither shipping nor training: idle or waiting on the network. */
  waitSeconds: number;
}

/** One tree on the timeline, in seconds from the start of the run (coordinator's clock). */
export interface TimelineEntry {
  host: string;
  slot: number;
  index: number;
  start: number;
  end: number;
  /** False for a copy that lost the race. */
  kept: boolean;
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
export class RunFailedError extends HostError {
  constructor(readonly faults: Fault[]) {
    // Every worker killed by SIGINT: the Ctrl-C of a terminal reached them before it reached us.
    const interrupted = faults.length > 0 && faults.every((fault) => fault.reason === 'interrupted');
    super(
      faults.map((f) => f.host).join(', '),
      `every host was lost: ${faults.map((f) => `${f.host}: ${f.message}`).join('; ')}`,
      '',
      interrupted ? 'interrupted' : 'all-hosts-lost',
    );
  }
}

/**
 * Trains one forest across the given workers and merges the trees by index. A host that fails
 * loses only the trees it had not returned; they go back to the schedule, and since every tree's
 * seed depends on its index only, the forest is the one an undisturbed run gives.
 */
export async function trainForest(request: ForestRequest): Promise<TrainedForest> {
  const {workers, trees: total, schedule} = request;
  const run = ++runs;
  const started = performance.now();
  const clock = () => (performance.now() - started) / 1000;
  const trees = new Array<Uint8Array>(total);
  const hostRuns = new Map<string, HostRun>(
    workers.map((w) => [
      w.host.name,
      {
        host: w.host.name,
        cores: w.host.cores,
        trees: 0,
        reexecuted: 0,
        trainSeconds: 0,
        utilisation: 0,
        shipSeconds: 0,
        shippedBytes: 0,
        waitSeconds: 0,
      },
    ]),
  );
  const outstanding = new Map<string, Set<number>>(workers.map((w) => [w.host.name, new Set()]));
  const active = new Set(workers.filter((w) => !w.isLost));
  const ready = new Set<WorkerClient>();
  const faults: Fault[] = [];
  const timeline: TimelineEntry[] = [];
  const orderedAt = new Map<string, number>();
  /** Per host: smoothed round trip (network and messages, not training or queueing) and tree time. */
  const pace = new Map<string, {trip: number; tree: number}>();
  const room = (worker: WorkerClient) => {
    const measured = pace.get(worker.host.name);
    const prefetch = measured
      ? Math.min(MAX_PREFETCH_PER_SLOT, 1 + Math.ceil(measured.trip / Math.max(measured.tree, 1e-3)))
      : 1;
    return worker.host.cores * (1 + prefetch) - outstanding.get(worker.host.name)!.size;
  };
  let done = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      const order = (worker: WorkerClient) => {
        if (!active.has(worker) || !ready.has(worker)) return;
        const pending = outstanding.get(worker.host.name)!;
        const indices = schedule.take(worker.host.name, room(worker));
        if (indices.length === 0) return;
        for (const index of indices) {
          pending.add(index);
          orderedAt.set(`${worker.host.name}:${index}`, clock());
        }
        worker.train(
          run,
          request.datasetHash,
          request.options,
          indices.map((index) => ({index, seed: treeSeed(request.forestSeed, index)})),
        );
      };
      const fillAll = () => {
        for (const worker of active) order(worker);
        const busy = [...active].some((w) => !ready.has(w) || outstanding.get(w.host.name)!.size > 0);
        if (done < total && active.size > 0 && !busy)
          reject(new Error(`the schedule gave out only ${done} of ${total} trees`));
      };
      const lose = (worker: WorkerClient, error: HostError) => {
        if (!active.delete(worker)) return;
        const unfinished = [...outstanding.get(worker.host.name)!].filter((index) => !trees[index]);
        outstanding.get(worker.host.name)!.clear();
        faults.push({
          host: worker.host.name,
          reason: error.reason,
          message: error.message,
          at: clock(),
          requeued: unfinished.length,
        });
        schedule.lost(worker.host.name, unfinished);
        if (active.size === 0) return reject(new RunFailedError(faults));
        fillAll();
      };
      const receive = (worker: WorkerClient, result: TreeResult) => {
        // A tree ordered by an earlier run (a prefetched or speculative one still in flight) is not ours.
        if (result.run !== run) return;
        const hostRun = hostRuns.get(result.host)!;
        outstanding.get(result.host)!.delete(result.index);
        const end = clock();
        const sent = orderedAt.get(`${result.host}:${result.index}`);
        if (sent !== undefined) {
          const trip = Math.max(0, end - sent - result.waited - result.seconds);
          const last = pace.get(result.host);
          pace.set(
            result.host,
            last
              ? {trip: 0.7 * last.trip + 0.3 * trip, tree: 0.7 * last.tree + 0.3 * result.seconds}
              : {trip, tree: result.seconds},
          );
        }
        const kept = !trees[result.index];
        timeline.push({
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
          return order(worker);
        }
        trees[result.index] = result.tree;
        hostRun.trees++;
        schedule.completed(result.index);
        done++;
        request.onTree?.(done, total);
        if (done === total) return resolve();
        fillAll();
      };

      if (active.size === 0) return reject(new RunFailedError(faults));
      for (const worker of active) {
        worker.listen({tree: (result) => receive(worker, result), failed: (error) => lose(worker, error)});
        // Each host starts as soon as it has the data set, not when the slowest link has delivered.
        const shipStart = clock();
        worker.ensureDataset(request.dataset, request.datasetHash).then(
          (bytes) => {
            Object.assign(hostRuns.get(worker.host.name)!, {shipSeconds: clock() - shipStart, shippedBytes: bytes});
            ready.add(worker);
            fillAll();
          },
          (error: HostError) => lose(worker, error),
        );
      }
    });
  } finally {
    for (const worker of workers) {
      worker.listen(undefined);
      // Prefetched and speculative trees still queued are of no use now.
      worker.cancel(run);
    }
  }
  const seconds = clock();
  for (const hostRun of hostRuns.values()) {
    hostRun.utilisation = hostRun.trainSeconds / (hostRun.cores * seconds);
    hostRun.waitSeconds = Math.max(0, seconds - hostRun.shipSeconds - hostRun.trainSeconds / hostRun.cores);
  }
  return {trees, seconds, hosts: [...hostRuns.values()], faults, timeline};
}
