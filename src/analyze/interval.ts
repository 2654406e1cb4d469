import {median} from '../bench/stats.js';
import {Random} from '../data/random.js';
import type {Matrix} from './linear.js';

/** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function studentT975(dof: number): number {
  if (dof <= T975.length) return T975[dof - 1];
  // Cornish-Fisher expansion around the normal quantile: within 0.001 beyond 30.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * dof) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * dof ** 2);
}

/**
 * 95% intervals of the speeds (rate of a kind / rate of the base kind) from the rates' covariance,
 * by the delta method; the base kind's speed is 1 by definition.
 */
export function intervalsFromCovariance(
  rates: number[],
  covariance: Matrix,
  base: number,
  dof: number,
): [number, number][] {
  const t = studentT975(dof);
  return rates.map((rate, k) => {
    if (k === base) return [1, 1];
    const speed = rate / rates[base];
    const gradient = rates.map((_, j) => (j === k ? 1 / rates[base] : j === base ? -rate / rates[base] ** 2 : 0));
    const variance = gradient.reduce(
      (sum, gi, i) => sum + gradient.reduce((inner, gj, j) => inner + gi * covariance[i][j] * gj, 0),
      0,
    );
    const half = t * Math.sqrt(Math.max(0, variance));
    return [speed - half, speed + half];
  });
}

export const BOOTSTRAP_RESAMPLES = 1000;

/**
 * 95% percentile intervals from resampling each row's runs (with replacement, its median as the
 * row's time) and fitting again: the spread that run-to-run noise alone puts on the speeds.
 */
export function intervalsFromRuns(
  runs: number[][],
  measured: number[],
  refit: (seconds: number[]) => number[],
  seed = 1,
): [number, number][] {
  const random = new Random(seed);
  const samples: number[][] = [];
  for (let b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
    const seconds = runs.map((times, r) =>
      times.length > 1 ? median(times.map(() => times[random.int(times.length)])) : measured[r],
    );
    samples.push(refit(seconds));
  }
  return samples[0].map((_, k) => {
    const sorted = samples
      .map((speeds) => speeds[k])
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    return [quantile(sorted, 0.025), quantile(sorted, 0.975)];
  });
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}
