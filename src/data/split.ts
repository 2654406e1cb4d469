import {type Dataset, takeRows} from './dataset.js';
import {Random} from './random.js';

export interface Split {
  train: Dataset;
  test: Dataset;
}

/** A seeded shuffle, then the first `testFraction` of the rows held out for testing. */
export function splitTrainTest(data: Dataset, testFraction: number, seed: number): Split {
  const order = new Random(seed ^ 0x5eed).shuffle(Uint32Array.from({length: data.rows}, (_, i) => i));
  const testRows = Math.min(data.rows - 1, Math.max(1, Math.round(data.rows * testFraction)));
  return {test: takeRows(data, order.subarray(0, testRows)), train: takeRows(data, order.subarray(testRows))};
}
