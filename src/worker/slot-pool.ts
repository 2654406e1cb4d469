import {Worker} from 'node:worker_threads';
import type {TrainingData, TreeOptions} from '../forest/trainer.js';
import {trainerNamed} from '../forest/trainers.js';
import type {TrainerName} from '../forest/trainer-names.js';
import type {FromSlot, ToSlot} from './slot-messages.js';

export interface SharedDataset extends TrainingData {
  hash: string;
  /** Each trainer's once-per-data-set work (e.g. binning), made on first use by a slot thread. */
  shared: Map<TrainerName, Promise<unknown>>;
}

interface Job {
  id: number;
  /** The coordinator's run, for cancelling. */
  run: number;
  dataset: SharedDataset;
  options: TreeOptions;
  seed: number;
  queuedAt: number;
  waitedMs?: number;
  resolve: (result: {tree: Uint8Array; seconds: number; slot: number; waited: number}) => void;
  reject: (error: Error) => void;
}

interface Slot {
  id: number;
  index: number;
  thread: Worker;
  /** What this thread already holds: data set hashes, and `hash:trainer` for trainers' shared state. */
  holds: Set<string>;
  /** Jobs posted to the thread and not yet answered, by id. */
  jobs: Map<number, Job>;
  /** Resolves when the thread is up and warm (or has died: it is replaced then). */
  warm: Promise<void>;
  /** Waiting for this slot to make a trainer's shared state. */
  making?: {resolve: (shared: unknown) => void; reject: (error: Error) => void};
}

/**
 * Jobs a slot's thread holds at once: the one it trains and the next, so it goes from one tree to the
 * next without waiting for this thread to answer (two hops between threads, about 0.5 ms a tree:
 * on small data, longer than the tree).
 */
const JOBS_PER_SLOT = 2;

/** `cores` threads that each train one tree at a time; trees queue until a slot is free. */
export class SlotPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextJob = 0;
  private nextSlot = 0;
  private closed = false;

  constructor(readonly cores: number) {}

  /**
   * Starts every slot's thread now, while the worker waits for its first data set: a thread takes
   * tens of milliseconds to load the worker's code, which on small data is longer than the forest.
   */
  startAll(): Promise<void> {
    while (this.slots.length < this.cores && !this.closed) this.startSlot();
    return Promise.all(this.slots.map((slot) => slot.warm)).then(() => undefined);
  }

  /** Resolves with the tree, its training time, the slot that trained it and how long it waited for one. */
  train(
    dataset: SharedDataset,
    options: TreeOptions,
    seed: number,
    run: number,
  ): Promise<{tree: Uint8Array; seconds: number; slot: number; waited: number}> {
    return new Promise((resolve, reject) => {
      this.queue.push({id: this.nextJob++, run, dataset, options, seed, queuedAt: performance.now(), resolve, reject});
      this.dispatch();
    });
  }

  /** Drops the run's trees still queued here; those a slot holds (training, or next) finish. */
  cancel(run: number): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].run === run) this.queue.splice(i, 1)[0].reject(new CancelledError());
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('worker is shutting down'));
    await Promise.all(this.slots.map((slot) => slot.thread.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.slotWithRoom();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.jobs.set(job.id, job);
      job.waitedMs = performance.now() - job.queuedAt;
      void this.start(slot, job);
    }
  }

  /** An idle slot, else a new one while there are fewer than `cores`, else one with room for a next job. */
  private slotWithRoom(): Slot | undefined {
    const idle = this.slots.find((s) => s.jobs.size === 0);
    if (idle) return idle;
    if (this.slots.length < this.cores) return this.startSlot();
    return this.slots.find((s) => s.jobs.size < JOBS_PER_SLOT);
  }

  private async start(slot: Slot, job: Job): Promise<void> {
    const {dataset} = job;
    try {
      await this.equip(slot, dataset, job.options.trainer);
    } catch (error) {
      slot.jobs.delete(job.id);
      job.reject(error as Error);
      this.dispatch();
      return;
    }
    if (!this.closed)
      slot.thread.postMessage({
        type: 'train',
        job: job.id,
        hash: dataset.hash,
        options: job.options,
        seed: job.seed,
        postedAt: performance.timeOrigin + performance.now(),
      } satisfies ToSlot);
  }

  /**
   * Sends the slot the data set and the trainer's shared state, once each. The first slot to need
   * the shared state makes it (binning can take seconds, and the main thread must keep sending
   * heartbeats); slots that need it meanwhile wait for it.
   */
  private async equip(slot: Slot, dataset: SharedDataset, trainerName: TrainerName): Promise<void> {
    if (!slot.holds.has(dataset.hash)) {
      slot.thread.postMessage({
        type: 'dataset',
        hash: dataset.hash,
        rows: dataset.rows,
        features: dataset.features,
        classes: dataset.classes,
        values: dataset.values,
        labels: dataset.labels,
      } satisfies ToSlot);
      slot.holds.add(dataset.hash);
    }
    const trainer = trainerNamed(trainerName);
    const key = `${dataset.hash}:${trainerName}`;
    if (!trainer.share || slot.holds.has(key)) return;
    const pending = dataset.shared.get(trainerName);
    if (!pending) {
      const making = new Promise<unknown>((resolve, reject) => {
        slot.making = {resolve, reject};
        slot.thread.postMessage({type: 'make-shared', hash: dataset.hash, trainer: trainerName} satisfies ToSlot);
      });
      dataset.shared.set(trainerName, making);
      // A failure is not kept: the next tree tries again.
      making.catch(() => dataset.shared.delete(trainerName));
      await making;
      slot.holds.add(key);
      return;
    }
    const shared = await pending;
    slot.thread.postMessage({type: 'shared', hash: dataset.hash, trainer: trainerName, shared} satisfies ToSlot);
    slot.holds.add(key);
  }

  private startSlot(): Slot {
    // The entry file runs the slot when it is not the main thread (see entry.ts), bundled or not.
    // Its place among the live slots, 0 to cores - 1: on a lab host, the cgroup of one core it joins.
    let index = 0;
    while (this.slots.some((s) => s.index === index)) index++;
    const thread = new Worker(process.argv[1], {workerData: {role: 'slot', index}});
    let warmed = () => undefined as void;
    const warm = new Promise<void>((resolve) => (warmed = resolve));
    const slot: Slot = {id: this.nextSlot++, index, thread, holds: new Set(), jobs: new Map(), warm};
    slot.thread.on('message', (reply: FromSlot) => {
      if (reply.type === 'warm') return warmed();
      if (reply.type === 'shared' || reply.type === 'shared-failed') {
        const making = slot.making;
        slot.making = undefined;
        if (reply.type === 'shared') making?.resolve(reply.shared);
        else making?.reject(new Error(reply.error));
        return;
      }
      const job = slot.jobs.get(reply.job);
      slot.jobs.delete(reply.job);
      if (job) {
        if (reply.type === 'failed') job.reject(new Error(reply.error));
        else {
          // Waiting in the thread, behind the tree before it, is waiting for a slot too.
          const waited = ((job.waitedMs ?? 0) + reply.queuedMs) / 1000;
          job.resolve({tree: reply.tree, seconds: reply.seconds, slot: slot.id, waited});
        }
      }
      this.dispatch();
    });
    slot.thread.on('exit', () => warmed());
    // A thread that dies takes only its trees with it; a fresh thread replaces it.
    slot.thread.on('error', (error) => {
      warmed();
      slot.making?.reject(error);
      slot.making = undefined;
      for (const job of slot.jobs.values()) job.reject(error);
      slot.jobs.clear();
      this.slots.splice(this.slots.indexOf(slot), 1);
      this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }
}

export class CancelledError extends Error {}
