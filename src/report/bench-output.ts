import type {EngineComparison} from '../results/engine-comparison.js';
import type {BenchResult} from '../results/result.js';
import {printable} from '../text/printable.js';
import {renderEngineComparison} from './engines.js';
import {renderLatencySummary, renderRunDetails, renderTable} from './table.js';
import {renderTerminalChart} from './terminal-chart.js';

/** One sweep on the terminal: its table, its chart when it has one, and with `verbose` each run's hosts. */
export function renderSweep(result: BenchResult, {wide, verbose}: {wide: boolean; verbose: boolean}): string {
  const chart = renderTerminalChart(result);
  return [renderTable(result, {wide}), chart || [], verbose ? renderRunDetails(result) : []].flat().join('\n');
}

/** The files a sweep wrote. */
export function renderSaved(files: readonly string[]): string {
  return `Saved: ${printable(files.join(', '))}`;
}

/** Each engine's table and files, then the engines side by side. */
export function renderEngineSweep(
  engines: string[],
  output: {results: BenchResult[]; comparison: EngineComparison[]},
  saved: ReadonlyMap<string, string[]>,
  wide: boolean,
): string {
  const blocks = output.results.map(
    (result) => `Engine ${result.engine}:\n${renderTable(result, {wide})}\n${renderSaved(saved.get(result.engine)!)}\n`,
  );
  return [...blocks, renderEngineComparison(engines, output.comparison)].join('\n');
}

/** Each latency's table and files, then the figures by latency. */
export function renderLatencySweep(
  output: {latencies: {latencyMs: number; result: BenchResult}[]},
  saved: ReadonlyMap<number, string[]>,
  wide: boolean,
): string {
  const blocks = output.latencies.map(
    ({latencyMs, result}) =>
      `Link latency ${latencyMs} ms each way:\n${renderTable(result, {wide})}\n${renderSaved(saved.get(latencyMs)!)}\n`,
  );
  return [...blocks, renderLatencySummary(output.latencies)].join('\n');
}
