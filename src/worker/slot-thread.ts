import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {parentPort, workerData} from 'node:worker_threads';
import {performance} from 'node:perf_hooks';
import type {TrainingData, TreeOptions} from '../forest/trainer.js';
import {trainerNamed} from '../forest/trainers.js';
import type {TrainerName} from '../forest/trainer-names.js';
import type {FromSlot, ToSlot} from './slot-messages.js';
import {joinLabSlot} from './lab-slot.js';
import {warmUpNative} from '../forest/native/warm-up.js';

/** One training slot: a thread that trains one tree at a time on data sets it shares with its siblings. */
const datasets = new Map<string, TrainingData>();
const shared = new Map<string, unknown>();
const prepared = new Map<string, (options: TreeOptions, seed: number) => Uint8Array>();

const labProblem = joinLabSlot((workerData as {index?: number} | null)?.index);
/** The warm-up's time, at most: on a slow host (a Pi under emulation) it is cut short, not a delay. */
const WARM_UP_MS = 60;
// Before any message: the worker answers its coordinator's hello once its slots are warm.
if (!labProblem) warmUpNative(WARM_UP_MS);
parentPort!.postMessage({type: 'warm'} satisfies FromSlot);

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
  if (message.type === 'make-shared') {
    parentPort!.postMessage(makeShared(message.hash, message.trainer) satisfies FromSlot);
    return;
  }
  const reply: FromSlot = labProblem
    ? {type: 'failed', job: message.job, error: labProblem}
    : train(message.job, message.hash, message.options, message.seed, message.postedAt);
  // Copied, never transferred: the first ArrayBuffer a thread detaches makes V8 check every typed
  // array access of its optimised code for a detached buffer from then on (measured: a tree 10%
  // slower, binary 15,000 x 20). A tree is kilobytes; copying it costs microseconds.
  parentPort!.postMessage(reply);
});

/**
 * Tests make a slow preparation real and deterministic: with CLUSTER_TEST_HOLD_SHARED=FOLDER the
 * slot writes FOLDER/held, then blocks reading the named pipe FOLDER/release until the test writes it.
 */
function holdForTest(): void {
  const folder = process.env.CLUSTER_TEST_HOLD_SHARED;
  if (!folder) return;
  writeFileSync(join(folder, 'held'), '');
  readFileSync(join(folder, 'release'));
}

/** The trainer's once-per-data-set state, made in shared memory so the main thread and the other slots get views, not copies. */
function makeShared(hash: string, trainer: TrainerName): FromSlot {
  try {
    const data = datasets.get(hash);
    if (!data) return {type: 'shared-failed', error: `data set ${hash.slice(0, 12)} was never sent to this slot`};
    holdForTest();
    const made = trainerNamed(trainer).share?.(data);
    shared.set(`${hash}:${trainer}`, made);
    return {type: 'shared', shared: made};
  } catch (error) {
    return {type: 'shared-failed', error: (error as Error).stack ?? String(error)};
  }
}

function train(job: number, hash: string, options: TreeOptions, seed: number, postedAt: number): FromSlot {
  const queuedMs = Math.max(0, performance.timeOrigin + performance.now() - postedAt);
  try {
    const data = datasets.get(hash);
    if (!data) return {type: 'failed', job, error: `data set ${hash.slice(0, 12)} was never sent to this slot`};
    const key = `${hash}:${options.trainer}`;
    let trainOne = prepared.get(key);
    if (!trainOne) {
      trainOne = trainerNamed(options.trainer).prepare(data, shared.get(key));
      prepared.set(key, trainOne);
    }
    const started = performance.now();
    const tree = trainOne(options, seed);
    // A view is cut out first: posting it would copy its whole buffer.
    const own = tree.byteOffset === 0 && tree.byteLength === tree.buffer.byteLength ? tree : tree.slice();
    return {type: 'tree', job, tree: own, seconds: (performance.now() - started) / 1000, queuedMs};
  } catch (error) {
    return {type: 'failed', job, error: (error as Error).stack ?? String(error)};
  }
}
