import {performance} from 'node:perf_hooks';
import {chunkLimit} from '../network/gradient.js';
import {initialParameters, Shape} from '../network/model.js';
import {Optimizer} from '../network/optimizer.js';
import type {NetworkSpec} from '../network/spec.js';
import {weightsHash} from '../network/weights.js';
import type {ToWorker} from '../protocol/messages.js';
import type {NetworkThreads, ThreadedPartial} from './network-threads.js';
import type {SharedDataset} from './slot-pool.js';

/**
 * A host's part in a network's run: its own copy of the weights and the optimizer, from the seed,
 * updated with every step's exact sum exactly as the coordinator updates its own, so every copy
 * stays the same bits. Its steps are computed on the worker's network threads, one a core, which
 * read the weights where this updates them: in shared memory, never copied.
 */
export class NetworkSession {
  private readonly parameters: Float64Array;
  private readonly optimizer: Optimizer;

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
  async gradient(order: Extract<ToWorker, {type: 'net-grad'}>): Promise<ThreadedPartial & {seconds: number}> {
    const start = performance.now();
    const partial = await this.threads.partial(
      order.epoch,
      [order.from, order.to],
      [order.first, order.last],
      chunkLimit(order.chunks),
    );
    return {...partial, seconds: (performance.now() - start) / 1000};
  }

  /** Only between steps (the worker handles a network's messages one after the other): no thread reads the weights meanwhile. */
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
