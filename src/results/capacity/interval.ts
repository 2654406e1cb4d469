import {median, t975} from '../stats.js';
import {Random} from '../../data/random.js';
import type {Matrix} from './linear.js';

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
  const t = t975(dof);
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
