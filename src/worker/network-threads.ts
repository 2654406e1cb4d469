import {Worker} from 'node:worker_threads';
import {splitChunks} from '../network/batches.js';
import {addPartial, type PartialGradient} from '../network/gradient.js';
import type {Shape} from '../network/model.js';
import type {Activation} from '../network/spec.js';
import type {FromNetworkThread, ToNetworkThread} from './network-thread-messages.js';
import type {SharedDataset} from './slot-pool.js';

export interface NetworkRunSetup {
  shape: Shape;
  activation: Activation;
  seed: number;
  data: SharedDataset;
  /** Over a SharedArrayBuffer: the threads read the weights, the session updates them between steps. */
  weights: Float64Array;
}

/** A host's share of a step, and its threads' computing time added up (for its speed per core). */
export interface ThreadedPartial extends PartialGradient {
  threadSeconds: number;
}

type Reply = Extract<FromNetworkThread, {type: 'partial'}>;

interface Thread {
  worker: Worker;
  /** Its piece of the shared sums, where it leaves its part of each step. */
  sum: Float64Array;
  waiting?: {step: number; resolve: (reply: Reply) => void; reject: (error: Error) => void};
  /** Terminated on purpose: its exit is no failure. */
  ended: boolean;
}

/**
 * `cores` threads computing a network's steps together: each step's chunks are cut into one
 * contiguous part a thread, each thread sums its part's fixed-point gradients into its own piece of
 * shared memory, and the pieces are added here. They are exact integer sums, so the total is the
 * same bits whatever the number of threads. Started by the first run, kept for the next ones (a
 * thread costs tens of milliseconds to start), ended by `close` when the worker stops.
 */
export class NetworkThreads {
  private threads: Thread[] = [];
  private total = new Float64Array(0);
  private steps = 0;
  private broken: Error | undefined;
  private closed = false;

  constructor(readonly cores: number) {}

  /** Equips the threads for a run; starts them if none are running (the first run, or after a thread failed). */
  start(setup: NetworkRunSetup): void {
    this.broken = undefined;
    const {shape, data} = setup;
    const sums = new SharedArrayBuffer(this.cores * shape.parameters * 8);
    this.total = new Float64Array(shape.parameters);
    for (let i = 0; i < this.cores; i++) {
      const sum = new Float64Array(sums, i * shape.parameters * 8, shape.parameters);
      const thread = this.threads[i] ?? this.startThread();
      thread.sum = sum;
      thread.worker.postMessage({
        type: 'run',
        sizes: [...shape.sizes],
        activation: setup.activation,
        seed: setup.seed,
        rows: data.rows,
        features: data.features,
        values: data.values,
        labels: data.labels,
        weights: setup.weights,
        sum,
      } satisfies ToNetworkThread);
    }
  }

  /** The fixed-point sum of chunks [first, last) of the batch order[from..to) of `epoch`, computed on every thread. */
  async partial(
    epoch: number,
    [from, to]: [number, number],
    [first, last]: [number, number],
    limit: number,
  ): Promise<ThreadedPartial> {
    if (this.broken) throw this.broken;
    const step = ++this.steps;
    // The cores of one host are alike: equal parts, whole chunks.
    const parts = splitChunks(
      last - first,
      this.threads.map(() => 1),
    );
    const replies = await Promise.all(
      parts.map(([a, b], i) =>
        a < b
          ? this.ask(this.threads[i], {type: 'step', step, epoch, from, to, first: first + a, last: first + b, limit})
          : undefined,
      ),
    );
    const total: PartialGradient = {sum: this.total.fill(0), loss: 0, rows: 0, clamped: 0};
    let threadSeconds = 0;
    replies.forEach((reply, i) => {
      if (!reply) return;
      addPartial(total, {sum: this.threads[i].sum, loss: reply.loss, rows: reply.rows, clamped: reply.clamped});
      threadSeconds += reply.seconds;
    });
    return {...total, threadSeconds};
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.splice(0).map((thread) => this.end(thread)));
  }

  // Its reply is read after the message arrives, and its writes to the sum came before it sent it.
  private ask(thread: Thread, order: Extract<ToNetworkThread, {type: 'step'}>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      thread.waiting = {step: order.step, resolve, reject};
      thread.worker.postMessage(order);
    });
  }

  private startThread(): Thread {
    // The entry file runs a network thread when told so by its workerData (see entry.ts), bundled or not.
    // Its index places it in its slot's cgroup on a lab host (lab-slot.ts), as a slot thread is.
    const worker = new Worker(process.argv[1], {workerData: {role: 'network', index: this.threads.length}});
    const thread: Thread = {worker, sum: new Float64Array(0), ended: false};
    worker.on('message', (reply: FromNetworkThread) => {
      const waiting = thread.waiting;
      if (waiting?.step !== reply.step) return;
      thread.waiting = undefined;
      if (reply.type === 'partial') waiting.resolve(reply);
      else waiting.reject(new Error(`a network thread failed: ${reply.error}`));
    });
    worker.on('error', (error) => this.fail(thread, error));
    worker.on('exit', (code) => this.fail(thread, new Error(`a network thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  /** A thread lost fails the step it was in and ends its siblings: the next run starts fresh ones. */
  private fail(thread: Thread, error: Error): void {
    if (thread.ended || this.closed) return;
    this.broken ??= error;
    for (const each of this.threads.splice(0)) {
      each.waiting?.reject(error);
      each.waiting = undefined;
      void this.end(each);
    }
  }

  private async end(thread: Thread): Promise<void> {
    thread.ended = true;
    await thread.worker.terminate();
  }
}
