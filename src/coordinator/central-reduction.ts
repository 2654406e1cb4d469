import {performance} from 'node:perf_hooks';
import type {Batch} from '../network/batches.js';
import {FIXED_POINT_SCALE} from '../network/gradient.js';
import {initialParameters} from '../network/model.js';
import {Optimizer} from '../network/optimizer.js';
import type {NetworkRun, Reduction} from './network-run.js';
import {RunFailedError} from './run.js';
import type {WorkerClient} from './worker-client.js';

/**
 * The paper's centralized architecture: each host returns the exact fixed-point sum of its chunks,
 * the coordinator adds them and sends the total back, and every host (the coordinator too) applies
 * the same update. A host lost during a step has its chunks computed by the others in that same
 * step: the total, and so the weights, are those of a run without the fault.
 */
export class CentralReduction implements Reduction {
  private readonly parameters: Float64Array;
  private readonly optimizer: Optimizer;

  constructor(private readonly run: NetworkRun) {
    const {spec} = run.request;
    this.parameters = initialParameters(run.shape, spec.seed);
    this.optimizer = new Optimizer(spec, run.shape);
  }

  async open(): Promise<void> {}

  close(): void {}

  async step(epoch: number, batch: Batch, index: number): Promise<number> {
    const {run} = this;
    const sum = new Float64Array(run.shape.parameters);
    let rows = 0;
    let loss = 0;
    const pending: [number, number][] = [[0, batch.chunks]];
    // Chunks of hosts lost during the step go round again among those left.
    while (pending.length > 0) {
      const [first, last] = pending.pop()!;
      if (run.live.length === 0) throw new RunFailedError(run.faults);
      const hosts = [...run.live];
      const ranges = run.divide(hosts, last - first).map(([a, b]): [number, number] => [first + a, first + b]);
      const at = run.now();
      const started = performance.now();
      const answers = await Promise.allSettled(hosts.map((worker, h) => this.partial(worker, epoch, batch, ranges[h])));
      const wall = (performance.now() - started) / 1000;
      answers.forEach((answer, h) => {
        const [a, b] = ranges[h];
        if (answer.status === 'rejected') {
          run.lose(hosts[h], answer.reason as Error, b - a);
          if (b > a) pending.push(ranges[h]);
          return;
        }
        const {value} = answer;
        for (let i = 0; i < sum.length; i++) sum[i] += value.sum[i];
        rows += value.rows;
        loss += value.loss;
        run.record(index, at, {
          worker: hosts[h],
          chunks: b - a,
          rows: value.rows,
          seconds: value.seconds,
          threadSeconds: value.threadSeconds,
          exchangeSeconds: Math.max(0, value.roundTrip - value.seconds),
          // Each answering host waited for the slowest: the step's wall time less its own round trip.
          waitSeconds: Math.max(0, wall - value.roundTrip),
          // The host's gradient sum back, the step's total to it: one float64 a parameter each way.
          bytes: 2 * 8 * run.shape.parameters,
        });
      });
    }
    // The hosts first: they apply the update while the coordinator applies its own.
    for (const worker of run.live) worker.updateNetwork(run.run, sum, rows);
    this.optimizer.step(this.parameters, sum, rows);
    return loss / FIXED_POINT_SCALE;
  }

  async weights(): Promise<Float64Array> {
    await this.run.checkCopies(this.parameters);
    return this.parameters;
  }

  private async partial(
    worker: WorkerClient,
    epoch: number,
    batch: Batch,
    [first, last]: [number, number],
  ): Promise<{
    sum: Float64Array;
    rows: number;
    loss: number;
    seconds: number;
    threadSeconds: number;
    roundTrip: number;
  }> {
    const sent = performance.now();
    const answer = await worker.networkGradient({
      run: this.run.run,
      epoch,
      from: batch.from,
      to: batch.to,
      first,
      last,
      chunks: batch.chunks,
    });
    return {...answer, roundTrip: (performance.now() - sent) / 1000};
  }
}
