import type {Dataset} from '../data/dataset.js';

/** Each feature's mean and standard deviation over the training rows (1 for a constant feature). */
export interface Standardisation {
  mean: Float64Array;
  scale: Float64Array;
}

export function standardisationOf(train: Dataset): Standardisation {
  const {rows, features, values} = train;
  const mean = new Float64Array(features);
  const scale = new Float64Array(features);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) mean[f] += values[r * features + f];
  for (let f = 0; f < features; f++) mean[f] /= rows;
  for (let r = 0; r < rows; r++)
    for (let f = 0; f < features; f++) scale[f] += (values[r * features + f] - mean[f]) ** 2;
  for (let f = 0; f < features; f++) {
    const std = Math.sqrt(scale[f] / rows);
    scale[f] = std > 0 ? std : 1;
  }
  return {mean, scale};
}

/** The rows standardised: a new data set, the same labels. */
export function standardise(data: Dataset, {mean, scale}: Standardisation): Dataset {
  const {rows, features} = data;
  const values = new Float64Array(rows * features);
  for (let r = 0; r < rows; r++)
    for (let f = 0; f < features; f++) values[r * features + f] = (data.values[r * features + f] - mean[f]) / scale[f];
  return {...data, values};
}
