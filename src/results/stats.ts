import {Random} from '../data/random.js';

/**
 * The statistics of a combination's measured runs. Pure functions of the numbers given, so the
 * tests check them against figures worked out by hand.
 */
export interface Summary {
  mean: number;
  /** Sample standard deviation (n - 1); null with a single run. */
  stddev: number | null;
  median: number;
  min: number;
  max: number;
  /** stddev / mean; null with a single run. */
  cv: number | null;
  /** 95% confidence interval of the mean (Student's t); null with a single run. */
  ci95: [number, number] | null;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of no values');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function stddev(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

/** The p-quantile with linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * p;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  return quantile(values, 0.5);
}

// Student's t, two-sided 95%, for 1 to 30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 97.5% quantile of Student's t; beyond the table, the Cornish-Fisher expansion (3 decimals). */
export function t975(degreesOfFreedom: number): number {
  if (degreesOfFreedom <= T975.length) return T975[degreesOfFreedom - 1];
  const z = 1.959964;
  const v = degreesOfFreedom;
  return z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2);
}

export function summarise(values: readonly number[]): Summary {
  const m = mean(values);
  const s = stddev(values);
  const half = s === null ? null : (t975(values.length - 1) * s) / Math.sqrt(values.length);
  return {
    mean: m,
    stddev: s,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    cv: s === null || m === 0 ? null : s / m,
    ci95: half === null ? null : [m - half, m + half],
  };
}

/** Tukey's fences: a value beyond 1.5 interquartile ranges from the quartiles is an outlier. */
export function fences(values: readonly number[]): [number, number] {
  const q1 = quantile(values, 0.25);
  const q3 = quantile(values, 0.75);
  return [q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)];
}

export const BOOTSTRAP_ROUNDS = 2000;

/**
 * 95% percentile-bootstrap interval of `statistic` over groups of runs, each group resampled with
 * replacement on its own. Seeded, so the same runs always give the same interval.
 */
export function bootstrapCi95(
  groups: readonly (readonly number[])[],
  statistic: (resampled: number[][]) => number,
  seed: number,
  rounds = BOOTSTRAP_ROUNDS,
): [number, number] {
  const random = new Random(seed);
  const replicates = new Array<number>(rounds);
  for (let round = 0; round < rounds; round++) {
    replicates[round] = statistic(groups.map((group) => Array.from(group, () => group[random.int(group.length)])));
  }
  return [quantile(replicates, 0.025), quantile(replicates, 0.975)];
}
