import type {Counts} from '../hardware.js';

/** One measured combination, as the model sees it. */
export interface Observation {
  /** The hardware as the file spells it. */
  hardware: string;
  counts: Counts;
  measured_s: number;
  /** Total cores of the combination, when the file gives them. */
  cores: number | null;
  /** Every measured run's time, when the file has them (a bench JSON). */
  runs: number[];
  /** Fastest and slowest run, when the file gives them. */
  min_s: number | null;
  max_s: number | null;
}

/** What a file gave the model: its rows and which of them is the baseline. */
export interface ObservedTable {
  file: string;
  rows: Observation[];
  /** Index into rows of the baseline combination: its first kind is the unit of speed. */
  baseline: number;
  /** Rows left out, with why (a failed combination has no time). */
  skipped: string[];
}

/** The row's run-to-run spread as a fraction of its time, or null with fewer than two distinct runs. */
export function spread(row: Observation): number | null {
  const low = row.runs.length > 1 ? Math.min(...row.runs) : row.min_s;
  const high = row.runs.length > 1 ? Math.max(...row.runs) : row.max_s;
  if (low === null || high === null || !(high > low)) return null;
  return (high - low) / row.measured_s;
}

/**
 * The times the model accepts, in seconds. Outside them the fit's sums of squares under- or
 * overflow a double (1e-160 s made a "singular matrix", 1e160 s a work of NaN), and no sweep of
 * this toolkit takes less than a microsecond or longer than 1e9 s (32 years).
 */
export const PLAUSIBLE_SECONDS = {min: 1e-6, max: 1e9} as const;

export const SECONDS_RANGE_FIX = 'write a time in seconds from 1e-6 (a microsecond) to 1e9 (32 years)';

/** Why a time cannot be fitted (`written` as the file spells it), or null when it can. */
export function implausibleSeconds(value: number, written = String(value)): string | null {
  if (value >= PLAUSIBLE_SECONDS.min && value <= PLAUSIBLE_SECONDS.max) return null;
  return `${written} s is ${value < PLAUSIBLE_SECONDS.min ? 'shorter' : 'longer'} than any time the model can fit`;
}
