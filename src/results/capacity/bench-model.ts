import type {BenchResult} from '../result.js';
import {InputError} from '../../errors.js';
import {type Analysis, analyzeTable} from './analyze.js';
import {observeRows} from './observe.js';

/** A bench result with the capacity model fitted to its rows: the `model` of its JSON. */
export type ModelledResult = BenchResult & {model?: Analysis | null};

/**
 * Fits the model to a finished sweep, as `cluster analyze` would to its JSON; null when the sweep
 * cannot determine every kind's speed (too few rows, or kinds that always run together).
 */
export function withModel(result: BenchResult): ModelledResult {
  try {
    return {...result, model: analyzeTable(observeRows(result, result.id, (row) => new Map(Object.entries(row.kinds))), {fit: 'relative'})};
  } catch (error) {
    // A model that cannot be fitted must never cost the sweep its saved results.
    if (error instanceof InputError || error instanceof RangeError) return {...result, model: null};
    throw error;
  }
}

/** The model's time for a row of the sweep, for the scaling chart. */
export function modelSeconds(result: ModelledResult, hardware: string): number | null {
  return result.model?.rows.find((row) => row.hardware === hardware)?.predicted_s ?? null;
}
