import type {EngineName} from '../config/engine-names.js';
import {compareEngines, type EngineComparison} from '../results/engine-comparison.js';
import type {BenchResult} from '../results/result.js';
import {workloadNamed} from '../workload/workloads.js';
import {type BenchOptions, runBench} from './sweep.js';

/**
 * The same sweep with each engine in turn, on the same hosts and data, and the side-by-side figures.
 * `resumeCommandOf`: how the sweep of one engine is resumed (it is resumed one engine at a time).
 */
export async function runEngines(
  options: BenchOptions & {resumeCommandOf?: (engine: EngineName) => (id: string) => string},
  engines: EngineName[],
  onResult?: (result: BenchResult) => void,
): Promise<{results: BenchResult[]; comparison: EngineComparison[]}> {
  // An engine that cannot train this workload is refused before the first engine's sweep starts.
  const workload = workloadNamed(options.experiment.workload);
  for (const engine of engines) workload.engine(engine);
  const results: BenchResult[] = [];
  for (const engine of engines) {
    const result = await runBench({
      ...options,
      engine,
      nameEngine: engines.length > 1,
      resumeCommand: options.resumeCommandOf?.(engine) ?? options.resumeCommand,
    });
    onResult?.(result);
    results.push(result);
  }
  return {results, comparison: compareEngines(results)};
}
