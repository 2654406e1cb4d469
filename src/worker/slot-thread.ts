import {parentPort} from 'node:worker_threads';
import {performance} from 'node:perf_hooks';
import type {TrainingData, TreeOptions} from '../forest/trainer.js';
import {trainerNamed} from '../forest/trainers.js';
import type {FromSlot, ToSlot} from './slot-messages.js';

/** One training slot: a thread that trains one tree at a time on data sets it shares with its siblings. */
const datasets = new Map<string, TrainingData>();
const shared = new Map<string, unknown>();
const prepared = new Map<string, (options: TreeOptions, seed: number) => Uint8Array>();

parentPort!.on('message', (message: ToSlot) => {
  if (message.type === 'dataset') {
    const {hash, rows, features, classes} = message;
    datasets.set(hash, {rows, features, classes, values: message.values, labels: message.labels});
    return;
  }
  if (message.type === 'shared') {
    shared.set(`${message.hash}:${message.trainer}`, message.shared);
    return;
  }
  const reply = train(message.job, message.hash, message.options, message.seed);
  parentPort!.postMessage(reply, 'tree' in reply ? [reply.tree.buffer as ArrayBuffer] : []);
});

function train(job: number, hash: string, options: TreeOptions, seed: number): FromSlot {
  try {
    const data = datasets.get(hash);
    if (!data) return {job, error: `data set ${hash.slice(0, 12)} was never sent to this slot`};
    const key = `${hash}:${options.trainer}`;
    let trainOne = prepared.get(key);
    if (!trainOne) {
      trainOne = trainerNamed(options.trainer).prepare(data, shared.get(key));
      prepared.set(key, trainOne);
    }
    const started = performance.now();
    const tree = trainOne(options, seed);
    return {job, tree: tree.slice(), seconds: (performance.now() - started) / 1000};
  } catch (error) {
    return {job, error: (error as Error).stack ?? String(error)};
  }
}
