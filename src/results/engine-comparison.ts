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
  /** A network's step per host, by engine: computing, exchange and waiting, seconds, means over the measured runs; absent for forests. */
  steps?: Record<string, StepSplit[]>;
}

export interface StepSplit {
  host: string;
  computeSeconds: number;
  exchangeSeconds: number;
  waitSeconds: number;
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
      ...(first.network
        ? {steps: Object.fromEntries(results.map((result) => [result.engine, meanSteps(result.rows[i].runs)]))}
        : {}),
    };
  });
}

/** Each host's step over the runs that recorded one, in the hosts' order of the first such run. */
function meanSteps(runs: readonly {steps?: StepSplit[]}[]): StepSplit[] {
  const recorded = runs.flatMap((run) => (run.steps ? [run.steps] : []));
  if (recorded.length === 0) return [];
  const mean = (host: string, field: 'computeSeconds' | 'exchangeSeconds' | 'waitSeconds') => {
    const values = recorded.flatMap((steps) => steps.filter((s) => s.host === host).map((s) => s[field]));
    return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  };
  return recorded[0].map(({host}) => ({
    host,
    computeSeconds: mean(host, 'computeSeconds'),
    exchangeSeconds: mean(host, 'exchangeSeconds'),
    waitSeconds: mean(host, 'waitSeconds'),
  }));
}
