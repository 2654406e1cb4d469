import type {BenchResult} from './result.js';

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

/** Each row's times, ratios and accuracies side by side, by engine, the first engine the reference. */
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
