import {InputError} from '../errors.js';
import {type Experiment, RUN_ORDERS, type RunOrder} from './experiment.js';
import {LIMITS} from '../limits.js';

/** Most runs or warm-ups a flag may ask for: beyond this a sweep runs for days. */
export const MAX_RUNS = LIMITS.runs;

export interface ExperimentOverrides {
  runs?: string;
  warmup?: string;
  order?: string;
}

/** The experiment with --runs, --warmup and --order applied over its own settings. */
export function applyOverrides(experiment: Experiment, overrides: ExperimentOverrides): Experiment {
  const result = {...experiment};
  if (overrides.runs !== undefined) result.runs = count('--runs', overrides.runs, 1);
  if (overrides.warmup !== undefined) result.warmup = count('--warmup', overrides.warmup, 0);
  if (overrides.order !== undefined) result.order = orderOf(overrides.order);
  return result;
}

function count(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > MAX_RUNS) {
    throw new InputError({
      file: flag,
      problem: `must be a whole number from ${min} to ${MAX_RUNS}, got '${text}'`,
      fix: `e.g. ${flag} ${min + 2}`,
    });
  }
  return value;
}

function orderOf(text: string): RunOrder {
  if (!(RUN_ORDERS as readonly string[]).includes(text))
    throw new InputError({
      file: '--order',
      problem: `unknown order '${text}'`,
      fix: `use one of: ${RUN_ORDERS.join(', ')}`,
    });
  return text as RunOrder;
}
