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
export function standardise<T extends {rows: number; features: number; values: Float64Array}>(
  data: T,
  scaling: Standardisation,
): T {
  return {...data, values: standardiseValues(data.values, data.features, scaling)};
}

/** Rows of `features` values each, standardised into a new array. */
export function standardiseValues(
  values: Float64Array,
  features: number,
  {mean, scale}: {mean: ArrayLike<number>; scale: ArrayLike<number>},
): Float64Array {
  const rows = values.length / features;
  const scaled = new Float64Array(values.length);
  for (let r = 0; r < rows; r++)
    for (let f = 0; f < features; f++) scaled[r * features + f] = (values[r * features + f] - mean[f]) / scale[f];
  return scaled;
}
