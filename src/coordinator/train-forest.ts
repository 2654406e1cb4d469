import {performance} from 'node:perf_hooks';
import type {Dataset} from '../data/dataset.js';
import {treeSeed} from '../data/random.js';
import type {TreeOptions} from '../forest/trainer.js';
import type {ScheduleFactory} from '../schedule/schedule.js';
import type {HostError} from '../errors.js';
import type {WorkerClient} from './worker-client.js';

export interface ForestRequest {
  workers: readonly WorkerClient[];
  dataset: Dataset;
  datasetHash: string;
  options: TreeOptions;
  trees: number;
  forestSeed: number;
  schedule: ScheduleFactory;
  /** Called after each tree arrives. */
  onTree?: (done: number, total: number) => void;
}

export interface HostShare {
  host: string;
  trees: number;
  /** Sum of the host's tree training times, across its slots. */
  trainSeconds: number;
  shippedBytes: number;
}

export interface TrainedForest {
  /** Serialised trees, by index. */
  trees: Uint8Array[];
  /** Wall time from the first byte sent (data set included) to the last tree received. */
  seconds: number;
  hosts: HostShare[];
}

/** How many trees a host may have ordered beyond its slots, so a slot never waits on a round trip. */
const PREFETCH_PER_SLOT = 1;

/** Trains one forest across the given workers and merges the trees in index order. */
export async function trainForest(request: ForestRequest): Promise<TrainedForest> {
  const {workers, trees: total} = request;
  const started = performance.now();
  const shares = new Map<string, HostShare>(workers.map((w) => [w.host.name, {host: w.host.name, trees: 0, trainSeconds: 0, shippedBytes: 0}]));
  const shipped = await Promise.all(workers.map((worker) => worker.ensureDataset(request.dataset, request.datasetHash)));
  workers.forEach((worker, i) => (shares.get(worker.host.name)!.shippedBytes = shipped[i]));

  const schedule = request.schedule(workers.map((w) => w.host), total);
  const trees = new Array<Uint8Array>(total);
  const ordered = new Map<string, number>();
  let done = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      const order = (worker: WorkerClient, room: number) => {
        const indices = schedule.take(worker.host.name, room);
        if (indices.length === 0) return;
        ordered.set(worker.host.name, (ordered.get(worker.host.name) ?? 0) + indices.length);
        worker.train(request.datasetHash, request.options, indices.map((index) => ({index, seed: treeSeed(request.forestSeed, index)})));
      };
      for (const worker of workers) {
        worker.listen({
          tree: (result) => {
            if (trees[result.index]) return;
            trees[result.index] = result.tree;
            const share = shares.get(result.host)!;
            share.trees++;
            share.trainSeconds += result.seconds;
            ordered.set(result.host, ordered.get(result.host)! - 1);
            done++;
            request.onTree?.(done, total);
            if (done === total) return resolve();
            order(worker, worker.host.cores * (1 + PREFETCH_PER_SLOT) - ordered.get(result.host)!);
            // A schedule that stops handing out work before the forest is whole would hang the run.
            if ([...ordered.values()].every((count) => count === 0)) reject(new Error(`the schedule gave out only ${done} of ${total} trees`));
          },
          failed: (error: HostError) => reject(error),
        });
        order(worker, worker.host.cores * (1 + PREFETCH_PER_SLOT));
      }
    });
  } finally {
    for (const worker of workers) worker.listen(undefined);
  }
  return {trees, seconds: (performance.now() - started) / 1000, hosts: [...shares.values()]};
}
