import type {RunRecord} from './result.js';
import {fences, type Summary} from './stats.js';

/** Something that makes a row's figures less trustworthy, printed under the table and kept in the JSON. */
export interface Warning {
  kind: 'interference' | 'variance' | 'outlier';
  message: string;
}

/** Runs whose times vary by more than this (stddev / mean) are too noisy to compare closely. */
export const MAX_CV = 0.05;

/** Variance and outliers among a row's measured runs. */
export function noiseWarnings(runs: readonly RunRecord[], summary: Summary): Warning[] {
  const warnings: Warning[] = [];
  if (summary.cv !== null && summary.cv > MAX_CV) {
    warnings.push({kind: 'variance', message: `the runs vary by ${percent(summary.cv)} of their mean (coefficient of variation above ${percent(MAX_CV)}): compare rows with care, run more (--runs) or on a quieter machine`});
  }
  const seconds = runs.map((run) => run.seconds);
  const [low, high] = fences(seconds);
  seconds.forEach((value, i) => {
    if (value >= low && value <= high) return;
    warnings.push({kind: 'outlier', message: `run ${i + 1} took ${value.toFixed(2)} s, outside ${Math.max(0, low).toFixed(2)}-${high.toFixed(2)} s (1.5 interquartile ranges beyond the quartiles): something else may have run at that time`});
  });
  return warnings;
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}
