import {performance} from 'node:perf_hooks';
import type {Dataset} from '../data/dataset.js';
import {HostError} from '../errors.js';
import {batchesOf, type Batch, splitChunks} from '../network/batches.js';
import {Shape} from '../network/model.js';
import type {NetworkSpec, Split} from '../network/spec.js';
import {weightsHash} from '../network/weights.js';
import {emptyHostRun, type Fault, type HostRun, type HostSteps, type TimelineEntry} from './run.js';
import type {WorkerClient} from './worker-client.js';

export interface NetworkRequest {
  workers: readonly WorkerClient[];
  /** Standardised training rows, as the workers hold them under `datasetHash`. */
  dataset: Dataset;
  datasetHash: string;
  spec: NetworkSpec;
  split: Split;
  /** Each host's rows per second, for the first step's proportional split; equal where missing. */
  speeds?: ReadonlyMap<string, number>;
  /** Called after each step with the chunks done and the run's chunks. */
  onStep?: (done: number, total: number) => void;
}

export interface TrainedNetwork {
  parameters: Float64Array;
  shape: Shape;
  weightsHash: string;
  seconds: number;
  hosts: HostRun[];
  faults: Fault[];
  /** One entry per host per step it computed: the step's index, its compute time on the host. */
  timeline: TimelineEntry[];
  /** Mean cross-entropy of each epoch. */
  losses: number[];
  /** Per host, a step's time split into computing, exchange and waiting, and its bytes. */
  steps: HostSteps[];
}

/** How a step's gradients are summed: the seam between the central and the ring reduction. */
export interface Reduction {
  /** Before the first step (the ring's listeners and links). */
  open(): Promise<void>;
  /** One step over every live host: applied everywhere when it resolves, with the batch's loss. */
  step(epoch: number, batch: Batch, index: number): Promise<number>;
  /** The trained weights, every live host's copy checked against them. */
  weights(): Promise<Float64Array>;
  /** However the run ended: nothing of it left listening on the hosts. */
  close(): void;
}

/** What a reduction reports of one host's part in one step. */
export interface HostStep {
  worker: WorkerClient;
  chunks: number;
  rows: number;
  /** Computing its chunks, on the host: wall time, and its threads' time added up. */
  seconds: number;
  threadSeconds: number;
  exchangeSeconds: number;
  waitSeconds: number;
  bytes: number;
}

let runs = 0;
/** How much of a host's past steps its speed remembers at each new one. */
const SPEED_MEMORY = 0.6;

/**
 * A network's run, whichever reduction: the live hosts, their speeds for the split, the faults,
 * and each host's tally of work, time and bytes.
 */
export class NetworkRun {
  readonly run = ++runs;
  readonly shape: Shape;
  readonly live: WorkerClient[];
  readonly faults: Fault[] = [];
  private readonly speeds = new Map<string, number>();
  /** Each host's rows and computing seconds over its recent steps, older ones fading. */
  private readonly recent = new Map<string, {rows: number; seconds: number}>();
  private readonly hostRuns = new Map<string, HostRun>();
  private readonly hostSteps = new Map<string, HostSteps>();
  private readonly timeline: TimelineEntry[] = [];
  private start = 0;

  constructor(readonly request: NetworkRequest) {
    const {dataset, spec} = request;
    this.shape = Shape.of(dataset.features, spec.layers, dataset.classes.length);
    this.live = [...request.workers];
    for (const worker of request.workers) {
      const name = worker.host.name;
      this.speeds.set(name, request.speeds?.get(name) ?? 1);
      // A host computes its share of a step on all its cores, one thread each.
      this.hostRuns.set(name, emptyHostRun(name, worker.host.cores));
      this.hostSteps.set(name, {
        host: name,
        steps: 0,
        computeSeconds: 0,
        exchangeSeconds: 0,
        waitSeconds: 0,
        bytesPerStep: 0,
      });
    }
  }

  async train(reduction: Reduction): Promise<TrainedNetwork> {
    const {dataset, datasetHash, spec} = this.request;
    this.start = performance.now();
    await Promise.all(this.live.map((worker) => this.ship(worker)));
    for (const worker of this.live) worker.startNetwork(this.run, datasetHash, spec, dataset.classes.length);
    try {
      return this.result(...(await this.steps(reduction)));
    } finally {
      reduction.close();
    }
  }

  private async steps(reduction: Reduction): Promise<[Float64Array, number[]]> {
    const {dataset, spec} = this.request;
    await reduction.open();
    const batches = batchesOf(dataset.rows, spec.batchSize);
    const total = spec.epochs * batches.reduce((sum, batch) => sum + batch.chunks, 0);
    const losses: number[] = [];
    let step = 0;
    let done = 0;
    for (let epoch = 0; epoch < spec.epochs; epoch++) {
      let loss = 0;
      for (const batch of batches) {
        loss += await reduction.step(epoch, batch, step++);
        done += batch.chunks;
        this.request.onStep?.(done, total);
      }
      losses.push(loss / dataset.rows);
    }
    return [await reduction.weights(), losses];
  }

  /** `chunks` chunks among `hosts`: by their recent speeds, or equally. */
  divide(hosts: readonly WorkerClient[], chunks: number): [number, number][] {
    const shares = hosts.map((worker) =>
      this.request.split === 'equal' ? 1 : (this.speeds.get(worker.host.name) ?? 1),
    );
    return splitChunks(chunks, shares);
  }

  /** Seconds since the run started, on the coordinator's clock. */
  now(): number {
    return (performance.now() - this.start) / 1000;
  }

  /** A host's part in step `index`, started at `at` (run seconds): its tally, its speed for the next split. */
  record(index: number, at: number, part: HostStep): void {
    const name = part.worker.host.name;
    const host = this.hostRuns.get(name)!;
    host.items += part.chunks;
    // Its threads' time, added up: the capacity ideal counts a host's speed per core, as for trees.
    host.trainSeconds += part.threadSeconds;
    if (part.rows > 0 && part.seconds > 0) this.speeds.set(name, this.recentSpeed(name, part.rows, part.seconds));
    this.timeline.push({host: name, slot: 0, index, start: at, end: at + part.seconds, kept: true});
    const steps = this.hostSteps.get(name)!;
    steps.steps++;
    steps.computeSeconds += part.seconds;
    steps.exchangeSeconds += part.exchangeSeconds;
    steps.waitSeconds += part.waitSeconds;
    steps.bytesPerStep += part.bytes;
  }

  /**
   * Rows per second over the host's last few steps: one step's timing is noisy (a scheduler's tick,
   * a collection), and a chunk is a sixteenth of a batch of 500, so following each step's figure
   * makes the split swing and the hosts wait; a few steps still follow a host that slows down.
   */
  private recentSpeed(name: string, rows: number, seconds: number): number {
    const before = this.recent.get(name) ?? {rows: 0, seconds: 0};
    const now = {rows: SPEED_MEMORY * before.rows + rows, seconds: SPEED_MEMORY * before.seconds + seconds};
    this.recent.set(name, now);
    return now.rows / now.seconds;
  }

  lose(worker: WorkerClient, error: Error, requeued: number): void {
    const index = this.live.indexOf(worker);
    if (index < 0) return;
    this.live.splice(index, 1);
    this.faults.push({
      host: worker.host.name,
      reason: error instanceof HostError ? error.reason : 'worker-error',
      message: error.message,
      at: this.now(),
      requeued,
    });
  }

  /** Every live host's copy of the weights must be `weights`: a difference is a bug, not noise. */
  async checkCopies(weights: Float64Array, except?: WorkerClient): Promise<void> {
    const expected = weightsHash(weights);
    for (const worker of this.live) {
      if (worker === except) continue;
      const hash = await worker.networkHash(this.run);
      if (hash !== expected)
        throw new Error(`${worker.host.name}'s copy of the weights differs (${hash} against ${expected})`);
    }
  }

  private async ship(worker: WorkerClient): Promise<void> {
    const started = performance.now();
    const bytes = await worker.ensureDataset(this.request.dataset, this.request.datasetHash);
    const host = this.hostRuns.get(worker.host.name)!;
    host.shipSeconds = (performance.now() - started) / 1000;
    host.shippedBytes = bytes;
  }

  private result(parameters: Float64Array, losses: number[]): TrainedNetwork {
    const seconds = this.now();
    const hosts = [...this.hostRuns.values()].map((host) => ({
      ...host,
      utilisation: seconds > 0 ? host.trainSeconds / (host.cores * seconds) : 0,
      waitSeconds: Math.max(0, seconds - host.trainSeconds / host.cores - host.shipSeconds),
    }));
    return {
      parameters,
      shape: this.shape,
      weightsHash: weightsHash(parameters),
      seconds,
      hosts,
      faults: this.faults,
      timeline: this.timeline,
      losses,
      steps: [...this.hostSteps.values()].map((host) => perStep(host)),
    };
  }
}

/** Sums over the steps as means per step. */
function perStep(host: HostSteps): HostSteps {
  const n = Math.max(1, host.steps);
  return {
    host: host.host,
    steps: host.steps,
    computeSeconds: host.computeSeconds / n,
    exchangeSeconds: host.exchangeSeconds / n,
    waitSeconds: host.waitSeconds / n,
    bytesPerStep: host.bytesPerStep / n,
  };
}
