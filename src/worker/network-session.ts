import {performance} from 'node:perf_hooks';
import {epochOrder} from '../network/batches.js';
import {addPartial, chunkLimit, GradientComputer, type PartialGradient} from '../network/gradient.js';
import {initialParameters, Shape} from '../network/model.js';
import {Optimizer} from '../network/optimizer.js';
import type {NetworkSpec} from '../network/spec.js';
import {weightsHash} from '../network/weights.js';
import type {ToWorker} from '../protocol/messages.js';
import type {RingMember} from './ring.js';
import type {SharedDataset} from './slot-pool.js';

type GradientOrder = Extract<ToWorker, {type: 'net-grad'}>;

export interface GradientAnswer {
  sum: Float64Array;
  rows: number;
  loss: number;
  clamped: number;
  seconds: number;
}

/** What a host answers for its part of a step summed over the ring: the ring's totals, no gradient. */
export interface RingAnswer {
  rows: number;
  loss: number;
  clamped: number;
  seconds: number;
  ringSeconds: number;
  ringFailed?: string;
}

/**
 * A host's part in a network's run: its own copy of the weights and the optimizer, from the seed,
 * updated with every step's exact sum exactly as the coordinator updates its own, so every copy
 * stays the same bits. Computed on the worker's main thread, one core.
 */
export class NetworkSession {
  private readonly parameters: Float64Array;
  private readonly optimizer: Optimizer;
  private readonly computer: GradientComputer;
  private order: {epoch: number; rows: Uint32Array} | undefined;
  /** Over a ring: this host's own part of the step in hand, kept until the step is committed. */
  private held: {step: number; part: PartialGradient} | undefined;
  /** Over a ring: the step's total the reduction left here, applied on commit. */
  private total: {sum: Float64Array; rows: number} | undefined;
  ring: RingMember | undefined;

  constructor(
    readonly run: number,
    private readonly spec: NetworkSpec,
    private readonly data: SharedDataset,
    classes: number,
  ) {
    const shape = Shape.of(data.features, spec.layers, classes);
    this.parameters = initialParameters(shape, spec.seed);
    this.optimizer = new Optimizer(spec, shape);
    this.computer = new GradientComputer(shape, spec.activation, data);
  }

  gradient(order: GradientOrder): GradientAnswer {
    const start = performance.now();
    if (this.order?.epoch !== order.epoch)
      this.order = {epoch: order.epoch, rows: epochOrder(this.data.rows, this.spec.seed, order.epoch)};
    const partial = this.computer.partial(
      this.parameters,
      this.order.rows,
      order.from,
      order.to,
      order.first,
      order.last,
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
    const {sum, seconds, ...figures} = this.gradient(order);
    const own = {sum, ...figures};
    if (order.ring.more && this.held?.step === order.ring.step) addPartial(this.held.part, own);
    else this.held = {step: order.ring.step, part: own};
    const part = this.held.part;
    const n = part.sum.length;
    const vector = new Float64Array(n + 3);
    vector.set(part.sum);
    vector[n] = part.loss;
    vector[n + 1] = part.rows;
    vector[n + 2] = part.clamped;
    const started = performance.now();
    this.total = undefined;
    try {
      await ring.reduce(vector, order.ring.step);
    } catch (error) {
      return {
        ...figures,
        seconds,
        ringSeconds: (performance.now() - started) / 1000,
        ringFailed: (error as Error).message,
      };
    }
    this.total = {sum: vector.subarray(0, n), rows: vector[n + 1]};
    return {
      loss: vector[n],
      rows: vector[n + 1],
      clamped: vector[n + 2],
      seconds,
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
