import {performance} from 'node:perf_hooks';
import {addPartial, chunkLimit, type PartialGradient} from '../network/gradient.js';
import {initialParameters, Shape} from '../network/model.js';
import {Optimizer} from '../network/optimizer.js';
import type {NetworkSpec} from '../network/spec.js';
import {weightsHash} from '../network/weights.js';
import type {ToWorker} from '../protocol/messages.js';
import type {NetworkThreads, ThreadedPartial} from './network-threads.js';
import type {RingMember} from './ring.js';
import type {SharedDataset} from './slot-pool.js';

type GradientOrder = Extract<ToWorker, {type: 'net-grad'}>;

/** What a host answers for its part of a step summed over the ring: the ring's totals, no gradient. */
export interface RingAnswer {
  rows: number;
  loss: number;
  clamped: number;
  seconds: number;
  threadSeconds: number;
  ringSeconds: number;
  ringFailed?: string;
}

/**
 * A host's part in a network's run: its own copy of the weights and the optimizer, from the seed,
 * updated with every step's exact sum exactly as every other copy is, so every copy stays the same
 * bits. Its steps are computed on the worker's network threads, one a core, which read the weights
 * where this updates them: in shared memory, never copied.
 */
export class NetworkSession {
  private readonly parameters: Float64Array;
  private readonly optimizer: Optimizer;
  /** Over a ring: this host's own part of the step in hand, kept until the step is committed. */
  private held: {step: number; part: PartialGradient} | undefined;
  /** Over a ring: the step's total the reduction left here, applied on commit. */
  private total: {sum: Float64Array; rows: number} | undefined;
  ring: RingMember | undefined;

  constructor(
    readonly run: number,
    spec: NetworkSpec,
    data: SharedDataset,
    classes: number,
    private readonly threads: NetworkThreads,
  ) {
    const shape = Shape.of(data.features, spec.layers, classes);
    this.parameters = new Float64Array(new SharedArrayBuffer(shape.parameters * 8));
    this.parameters.set(initialParameters(shape, spec.seed));
    this.optimizer = new Optimizer(spec, shape);
    threads.start({shape, activation: spec.activation, seed: spec.seed, data, weights: this.parameters});
  }

  /** The step's share of this host; `seconds` from the order to the total, on the worker's clock. */
  async gradient(order: GradientOrder): Promise<ThreadedPartial & {seconds: number}> {
    const start = performance.now();
    const partial = await this.threads.partial(
      order.epoch,
      [order.from, order.to],
      [order.first, order.last],
      chunkLimit(order.chunks),
    );
    return {...partial, seconds: (performance.now() - start) / 1000};
  }

  /**
   * This host's chunks, added to what it holds for the step when `more`, then summed over the ring:
   * the vector carries the gradient, then the loss, the rows and the clamped count, so one reduction
   * gives every host the whole step.
   */
  async ringGradient(order: GradientOrder & {ring: NonNullable<GradientOrder['ring']>}): Promise<RingAnswer> {
    const ring = this.ring;
    if (!ring) throw new Error(`no ring formed for network run ${this.run}`);
    const {seconds, threadSeconds, ...own} = await this.gradient(order);
    if (order.ring.more && this.held?.step === order.ring.step) addPartial(this.held.part, own);
    // A copy: the threads' total is reused by the next step.
    else this.held = {step: order.ring.step, part: {...own, sum: own.sum.slice()}};
    const part = this.held.part;
    const n = part.sum.length;
    const vector = new Float64Array(n + 3);
    vector.set(part.sum);
    vector[n] = part.loss;
    vector[n + 1] = part.rows;
    vector[n + 2] = part.clamped;
    const started = performance.now();
    const figures = {rows: own.rows, loss: own.loss, clamped: own.clamped, seconds, threadSeconds};
    this.total = undefined;
    try {
      await ring.reduce(vector, order.ring.step);
    } catch (error) {
      return {...figures, ringSeconds: (performance.now() - started) / 1000, ringFailed: (error as Error).message};
    }
    this.total = {sum: vector.subarray(0, n), rows: vector[n + 1]};
    return {
      ...figures,
      loss: vector[n],
      rows: vector[n + 1],
      clamped: vector[n + 2],
      ringSeconds: (performance.now() - started) / 1000,
    };
  }

  /** Applies the step's total the ring left here. */
  commit(): void {
    if (!this.total) throw new Error(`network run ${this.run} has no reduced step to apply`);
    this.update(this.total.sum, this.total.rows);
    this.total = undefined;
    this.held = undefined;
  }

  /** Only between steps (the worker handles a network's steps one after the other): no thread reads the weights meanwhile. */
  update(sum: Float64Array, rows: number): void {
    this.optimizer.step(this.parameters, sum, rows);
  }

  weights(): Float64Array {
    return this.parameters;
  }

  hash(): string {
    return weightsHash(this.parameters);
  }

  close(): void {
    this.ring?.close();
  }
}
