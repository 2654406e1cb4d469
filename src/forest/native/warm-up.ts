import {performance} from 'node:perf_hooks';
import {Random} from '../../data/random.js';
import type {TrainingData} from '../trainer.js';
import {nativeTrainer} from './trainer.js';

/** Rows and features of the warm-up's data: a few of each kind the trainer meets. */
const ROWS = 400;
/** Continuous features (sorted lists, sorting), then small integer ones (histograms). */
const CONTINUOUS = 8;
const INTEGERS = 8;
const CLASSES = 3;
/** Trees at most; the warm-up also stops at its time budget. */
const MAX_TREES = 12;

/**
 * Trains throwaway trees on made-up data so the JIT has compiled the trainer's hot loops before the
 * first real tree: in a fresh process the first fits run in the interpreter and baseline code, and
 * on small data (a forest of 100 trees on 500 rows takes 30 ms warm) that doubles the fit. Runs
 * while the worker waits for its data, within `budgetMs`. Nothing it makes is kept.
 */
export function warmUpNative(budgetMs: number): number {
  const started = performance.now();
  const data = madeUpData();
  const grow = nativeTrainer.prepare(data, nativeTrainer.share!(data));
  let trees = 0;
  while (trees < MAX_TREES && performance.now() - started < budgetMs) {
    grow({trainer: 'native', maxFeatures: 'sqrt', criterion: trees % 4 === 3 ? 'entropy' : 'gini'}, trees);
    trees++;
  }
  return trees;
}

/** Classes from a noisy sum of some features, so trees grow deep and every split path is taken. */
function madeUpData(): TrainingData {
  const random = new Random(1);
  const features = CONTINUOUS + INTEGERS;
  const values = new Float64Array(ROWS * features);
  const labels = new Int32Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    let sum = 0;
    for (let f = 0; f < features; f++) {
      const value = f < CONTINUOUS ? random.next() * 10 : random.int(6);
      values[r * features + f] = value;
      if (f % 3 === 0) sum += value;
    }
    labels[r] = (Math.floor(sum + random.next() * 4) % CLASSES) as number;
  }
  return {rows: ROWS, features, values, labels, classes: CLASSES};
}
