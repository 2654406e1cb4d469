import {performance} from 'node:perf_hooks';
import {epochOrder} from '../network/batches.js';
import {chunkLimit, GradientComputer} from '../network/gradient.js';
import {initialParameters, Shape} from '../network/model.js';
import {Optimizer} from '../network/optimizer.js';
import type {NetworkSpec} from '../network/spec.js';
import {weightsHash} from '../network/weights.js';
import type {ToWorker} from '../protocol/messages.js';
import type {SharedDataset} from './slot-pool.js';

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

  gradient(order: Extract<ToWorker, {type: 'net-grad'}>): {
    sum: Float64Array;
    rows: number;
    loss: number;
    clamped: number;
    seconds: number;
  } {
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

  update(sum: Float64Array, rows: number): void {
    this.optimizer.step(this.parameters, sum, rows);
  }

  hash(): string {
    return weightsHash(this.parameters);
  }
}

/** A float64 body as an array, copied when the frame's bytes are not 8-byte aligned. */
export function float64Body(body: Uint8Array): Float64Array {
  if (body.byteOffset % 8 === 0) return new Float64Array(body.buffer, body.byteOffset, body.byteLength / 8);
  return new Float64Array(body.slice().buffer);
}
