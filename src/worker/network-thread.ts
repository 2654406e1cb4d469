import {performance} from 'node:perf_hooks';
import {parentPort, workerData} from 'node:worker_threads';
import {epochOrder} from '../network/batches.js';
import {GradientComputer} from '../network/gradient.js';
import {Shape} from '../network/model.js';
import {joinLabSlot} from './lab-slot.js';
import type {FromNetworkThread, ToNetworkThread} from './network-thread-messages.js';

/** One of a worker's network threads: the fixed-point gradient sum of the chunks it is given, step after step. */
interface Run {
  computer: GradientComputer;
  weights: Float64Array;
  sum: Float64Array;
  rows: number;
  seed: number;
  order?: {epoch: number; rows: Uint32Array};
}

let run: Run | undefined;
// On a lab host, this thread runs like one of the host's slow cores; a failure to join says so on every step.
const labProblem = joinLabSlot((workerData as {index?: number} | null)?.index);

parentPort!.on('message', (message: ToNetworkThread) => {
  if (message.type === 'run') {
    const {sizes, activation, rows, features, values, labels} = message;
    const computer = new GradientComputer(new Shape(sizes), activation, {rows, features, values, labels});
    run = {computer, weights: message.weights, sum: message.sum, rows, seed: message.seed};
    return;
  }
  parentPort!.postMessage(step(message) satisfies FromNetworkThread);
});

function step(order: Extract<ToNetworkThread, {type: 'step'}>): FromNetworkThread {
  try {
    if (!run) return {type: 'failed', step: order.step, error: 'a network step before its run was sent to the thread'};
    if (labProblem) return {type: 'failed', step: order.step, error: labProblem};
    const started = performance.now();
    // Each thread draws the epoch's order itself: the same seed, the same rows, no memory to share.
    if (run.order?.epoch !== order.epoch)
      run.order = {epoch: order.epoch, rows: epochOrder(run.rows, run.seed, order.epoch)};
    const {from, to, first, last, limit} = order;
    const partial = run.computer.partial(run.weights, run.order.rows, from, to, first, last, limit, run.sum);
    const {loss, rows, clamped} = partial;
    return {type: 'partial', step: order.step, loss, rows, clamped, seconds: (performance.now() - started) / 1000};
  } catch (error) {
    return {type: 'failed', step: order.step, error: (error as Error).stack ?? String(error)};
  }
}
