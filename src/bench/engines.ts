import {ENGINE_NAMES, type EngineName} from '../config/engine-names.js';
import {InputError} from '../errors.js';
import type {BenchResult} from './result.js';
import {type BenchOptions, runBench} from './sweep.js';

/** One combination measured by every engine: their times, the ratio to the first, their accuracies. */
export interface EngineComparison {
  hardware: string;
  hosts: string[];
  cores: number;
  /** By engine, in the order asked for. */
  measured_s: Record<string, number | null>;
  /** Each engine's time over the first engine's. */
  ratio: Record<string, number | null>;
  accuracy: Record<string, number | null>;
}

/** "native,dask" as engine names, each known and named once. */
export function parseEngines(text: string): EngineName[] {
  const names = text.split(',').map((part) => part.trim());
  for (const name of names) {
    if (!ENGINE_NAMES.includes(name as EngineName))
      throw new InputError({
        file: '--engine',
        problem: `unknown engine '${name}'`,
        fix: `use one of: ${ENGINE_NAMES.join(', ')}, or several separated by commas`,
      });
  }
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated)
    throw new InputError({
      file: '--engine',
      problem: `engine '${repeated}' is named twice`,
      fix: 'name each engine once',
    });
  return names as EngineName[];
}

/**
 * The same sweep with each engine in turn, on the same hosts and data, and the side-by-side figures.
 * `resumeCommandOf`: how the sweep of one engine is resumed (it is resumed one engine at a time).
 */
export async function runEngines(
  options: BenchOptions & {resumeCommandOf?: (engine: EngineName) => (id: string) => string},
  engines: EngineName[],
  onResult?: (result: BenchResult) => void,
): Promise<{results: BenchResult[]; comparison: EngineComparison[]}> {
  const results: BenchResult[] = [];
  for (const engine of engines) {
    const result = await runBench({
      ...options,
      engine,
      resumeCommand: options.resumeCommandOf?.(engine) ?? options.resumeCommand,
    });
    onResult?.(result);
    results.push(result);
  }
  return {results, comparison: compareEngines(results)};
}

export function compareEngines(results: BenchResult[]): EngineComparison[] {
  const [first] = results;
  return first.rows.map((row, i) => {
    const measured = Object.fromEntries(results.map((result) => [result.engine, result.rows[i].measured_s]));
    const reference = row.measured_s;
    return {
      hardware: row.hardware,
      hosts: row.hosts,
      cores: row.cores,
      measured_s: measured,
      ratio: Object.fromEntries(
        results.map((result) => [
          result.engine,
          reference && result.rows[i].measured_s !== null ? result.rows[i].measured_s! / reference : null,
        ]),
      ),
      accuracy: Object.fromEntries(results.map((result) => [result.engine, result.rows[i].accuracy])),
    };
  });
}
