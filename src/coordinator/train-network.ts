import {performance} from 'node:perf_hooks';
import type {Dataset} from '../data/dataset.js';
import {HostError} from '../errors.js';
import {batchesOf, type Batch, splitChunks} from '../network/batches.js';
import {FIXED_POINT_SCALE} from '../network/gradient.js';
import {initialParameters, Shape} from '../network/model.js';
import {Optimizer} from '../network/optimizer.js';
import type {NetworkSpec, Split} from '../network/spec.js';
import {weightsHash} from '../network/weights.js';
import {emptyHostRun, type Fault, type HostRun, type HostSteps, RunFailedError, type TimelineEntry} from './run.js';
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

let runs = 0;

/**
 * Synchronous data parallelism with a central reduction: each step's batch is cut into chunks,
 * divided among the live hosts (in proportion to their speeds in the last step, or equally), each
 * host returns the exact fixed-point sum of its chunks, the coordinator adds them and sends the
 * total back, and every host (the coordinator too) applies the same update. A host lost during a
 * step has its chunks computed by the others in that same step: the total, and so the weights,
 * are those of a run without the fault.
 */
export async function trainNetworkAcross(request: NetworkRequest): Promise<TrainedNetwork> {
  return new NetworkRun(request).train();
}

class NetworkRun {
  private readonly run = ++runs;
  private readonly shape: Shape;
  private readonly parameters: Float64Array;
  private readonly optimizer: Optimizer;
  private readonly live: WorkerClient[];
  private readonly speeds = new Map<string, number>();
  private readonly hostRuns = new Map<string, HostRun>();
  private readonly hostSteps = new Map<string, HostSteps>();
  private readonly faults: Fault[] = [];
  private readonly timeline: TimelineEntry[] = [];
  private start = 0;

  constructor(private readonly request: NetworkRequest) {
    const {dataset, spec} = request;
    this.shape = Shape.of(dataset.features, spec.layers, dataset.classes.length);
    this.parameters = initialParameters(this.shape, spec.seed);
    this.optimizer = new Optimizer(spec, this.shape);
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

  async train(): Promise<TrainedNetwork> {
    const {dataset, datasetHash, spec} = this.request;
    this.start = performance.now();
    await Promise.all(this.live.map((worker) => this.ship(worker)));
    for (const worker of this.live) worker.startNetwork(this.run, datasetHash, spec, dataset.classes.length);
    const batches = batchesOf(dataset.rows, spec.batchSize);
    const total = spec.epochs * batches.reduce((sum, batch) => sum + batch.chunks, 0);
    const losses: number[] = [];
    let step = 0;
    let done = 0;
    for (let epoch = 0; epoch < spec.epochs; epoch++) {
      let loss = 0;
      for (const batch of batches) {
        loss += await this.step(epoch, batch, step++);
        done += batch.chunks;
        this.request.onStep?.(done, total);
      }
      losses.push(loss / dataset.rows);
    }
    await this.checkCopies();
    return this.result(losses);
  }

  /** One step: the hosts' partial sums, exactly added, applied everywhere; the batch's loss. */
  private async step(epoch: number, batch: Batch, index: number): Promise<number> {
    const sum = new Float64Array(this.shape.parameters);
    let rows = 0;
    let loss = 0;
    const pending: [number, number][] = [[0, batch.chunks]];
    // Chunks of hosts lost during the step go round again among those left.
    while (pending.length > 0) {
      const [first, last] = pending.pop()!;
      if (this.live.length === 0) throw new RunFailedError(this.faults);
      const hosts = [...this.live];
      const ranges = this.divide(hosts, last - first).map(([a, b]): [number, number] => [first + a, first + b]);
      const started = performance.now();
      const answers = await Promise.allSettled(
        hosts.map((worker, h) => this.partial(worker, epoch, batch, ranges[h], index)),
      );
      this.addWaits(hosts, answers, (performance.now() - started) / 1000);
      answers.forEach((answer, h) => {
        if (answer.status === 'fulfilled') {
          for (let i = 0; i < sum.length; i++) sum[i] += answer.value.sum[i];
          rows += answer.value.rows;
          loss += answer.value.loss;
        } else {
          this.lose(hosts[h], answer.reason as Error, ranges[h]);
          if (ranges[h][1] > ranges[h][0]) pending.push(ranges[h]);
        }
      });
    }
    this.optimizer.step(this.parameters, sum, rows);
    for (const worker of this.live) worker.updateNetwork(this.run, sum, rows);
    return loss / FIXED_POINT_SCALE;
  }

  /** `chunks` chunks among `hosts`: by their last measured speeds, or equally. */
  private divide(hosts: readonly WorkerClient[], chunks: number): [number, number][] {
    const shares = hosts.map((worker) =>
      this.request.split === 'equal' ? 1 : (this.speeds.get(worker.host.name) ?? 1),
    );
    return splitChunks(chunks, shares);
  }

  private async partial(
    worker: WorkerClient,
    epoch: number,
    batch: Batch,
    [first, last]: [number, number],
    index: number,
  ): Promise<{sum: Float64Array; rows: number; loss: number; roundTrip: number}> {
    const sent = performance.now();
    const answer = await worker.networkGradient({
      run: this.run,
      epoch,
      from: batch.from,
      to: batch.to,
      first,
      last,
      chunks: batch.chunks,
    });
    const name = worker.host.name;
    const host = this.hostRuns.get(name)!;
    host.items += last - first;
    // Its threads' time, added up: the capacity ideal counts a host's speed per core, as for trees.
    host.trainSeconds += answer.threadSeconds;
    if (answer.rows > 0 && answer.seconds > 0) this.speeds.set(name, answer.rows / answer.seconds);
    const at = (sent - this.start) / 1000;
    this.timeline.push({host: name, slot: 0, index, start: at, end: at + answer.seconds, kept: true});
    const roundTrip = (performance.now() - sent) / 1000;
    const steps = this.hostSteps.get(name)!;
    steps.steps++;
    steps.computeSeconds += answer.seconds;
    steps.exchangeSeconds += Math.max(0, roundTrip - answer.seconds);
    // The host's gradient sum back, the step's total to it: one float64 a parameter each way.
    steps.bytesPerStep += 2 * 8 * this.shape.parameters;
    return {...answer, roundTrip};
  }

  /** Each answering host waited for the slowest: the step's wall time less its own round trip. */
  private addWaits(
    hosts: readonly WorkerClient[],
    answers: PromiseSettledResult<{roundTrip: number}>[],
    wall: number,
  ): void {
    answers.forEach((answer, h) => {
      if (answer.status === 'fulfilled')
        this.hostSteps.get(hosts[h].host.name)!.waitSeconds += Math.max(0, wall - answer.value.roundTrip);
    });
  }

  private async ship(worker: WorkerClient): Promise<void> {
    const started = performance.now();
    const bytes = await worker.ensureDataset(this.request.dataset, this.request.datasetHash);
    const host = this.hostRuns.get(worker.host.name)!;
    host.shipSeconds = (performance.now() - started) / 1000;
    host.shippedBytes = bytes;
  }

  private lose(worker: WorkerClient, error: Error, [first, last]: [number, number]): void {
    const index = this.live.indexOf(worker);
    if (index >= 0) this.live.splice(index, 1);
    const reason = error instanceof HostError ? error.reason : 'worker-error';
    this.faults.push({
      host: worker.host.name,
      reason,
      message: error.message,
      at: (performance.now() - this.start) / 1000,
      requeued: last - first,
    });
  }

  /** Every live host's copy of the weights must be the coordinator's: a difference is a bug, not noise. */
  private async checkCopies(): Promise<void> {
    const expected = weightsHash(this.parameters);
    for (const worker of this.live) {
      const hash = await worker.networkHash(this.run);
      if (hash !== expected)
        throw new Error(
          `${worker.host.name}'s copy of the weights differs from the coordinator's (${hash} vs ${expected})`,
        );
    }
  }

  private result(losses: number[]): TrainedNetwork {
    const seconds = (performance.now() - this.start) / 1000;
    const hosts = [...this.hostRuns.values()].map((host) => ({
      ...host,
      utilisation: seconds > 0 ? host.trainSeconds / (host.cores * seconds) : 0,
      waitSeconds: Math.max(0, seconds - host.trainSeconds / host.cores - host.shipSeconds),
    }));
    return {
      parameters: this.parameters,
      shape: this.shape,
      weightsHash: weightsHash(this.parameters),
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
