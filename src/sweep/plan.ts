import type {RunOrder} from '../config/experiment.js';

export interface PlannedRun {
  combination: number;
  /** 1-based, warm-ups first. */
  run: number;
  warmup: boolean;
}

/**
 * The order of a sweep's runs. sequential: each combination's warm-ups and runs back to back.
 * interleaved: every combination's warm-ups first, then the measured runs round-robin across the
 * combinations, so slow drift (throttling, a backup starting) spreads over every row instead of
 * landing on one.
 */
export function planRuns(combinations: number, warmup: number, runs: number, order: RunOrder): PlannedRun[] {
  const at = (combination: number, run: number): PlannedRun => ({combination, run, warmup: run <= warmup});
  const all = Array.from({length: combinations}, (_, c) => c);
  if (order === 'sequential') return all.flatMap((c) => Array.from({length: warmup + runs}, (_, r) => at(c, r + 1)));
  const warmups = all.flatMap((c) => Array.from({length: warmup}, (_, r) => at(c, r + 1)));
  const rounds = Array.from({length: runs}, (_, r) => all.map((c) => at(c, warmup + r + 1)));
  return [...warmups, ...rounds.flat()];
}
