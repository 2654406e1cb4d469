import {InputError} from '../../errors.js';
import type {FitMethod} from './fit.js';
import {formatCounts, type Counts} from '../hardware.js';
import {type CapacityModel, checkKnownKinds, coresOf, fitModel, predictSeconds} from './model.js';
import {type ObservedTable, spread} from './observation.js';
import {readHardware} from './read-hardware.js';

/** A residual beyond this is flagged on rows without a run-to-run spread of their own. */
export const DEFAULT_TOLERANCE = 0.05;
export const MAX_PREDICTIONS = 100;

export interface AnalyzedRow {
  hardware: string;
  measured_s: number;
  predicted_s: number | null;
  /** (predicted - measured) / measured. */
  residual: number | null;
  /** The row's own run-to-run spread ((slowest - fastest) / measured), null without runs. */
  spread: number | null;
  /** True when the residual exceeds the spread (or 5% without one): something beyond capacity. */
  flagged: boolean;
}

export interface Prediction {
  hardware: string;
  cores: number | null;
  predicted_s: number | null;
  /** The paper's scalability: the baseline's time scaled by cores, over the prediction. */
  scalability: number | null;
}

export interface NextHost {
  kind: string;
  predicted_s: number | null;
  saved_s: number | null;
  saved_per_core_s: number | null;
}

/** The result of `cluster analyze`; field names are its --json's. */
export interface Analysis {
  file: string;
  fit: FitMethod;
  base_kind: string;
  speeds: Record<string, number>;
  speeds_ci95: Record<string, [number, number] | null>;
  ci_source: 'runs' | 'residuals' | null;
  /** Cores of one host of each kind, when the file's cores column determines them. */
  cores: Record<string, number> | null;
  /** A core of each kind in cores of the base kind. */
  per_core: Record<string, number> | null;
  work_s: number;
  rows: AnalyzedRow[];
  warnings: string[];
  predictions: Prediction[];
  next: {hardware: string; measured_s: number; predicted_s: number | null; add: NextHost[]} | null;
  skipped: string[];
}

export interface AnalyzeOptions {
  fit: FitMethod;
  predict?: string[];
  next?: boolean;
}

export function analyzeTable(table: ObservedTable, options: AnalyzeOptions): Analysis {
  if ((options.predict?.length ?? 0) > MAX_PREDICTIONS)
    throw new InputError({
      file: '--predict',
      problem: `${options.predict!.length} combinations asked for`,
      fix: `ask for at most ${MAX_PREDICTIONS} at once`,
    });
  const asked = (options.predict ?? []).map((text) => readHardware(text, {file: '--predict'}));
  const model = fitModel(table, options.fit);
  for (const counts of asked) checkKnownKinds(model, counts, '--predict');
  const byKind = <T>(values: T[]) => Object.fromEntries(model.kinds.map((kind, k) => [kind, values[k]]));
  const rows = table.rows.map((row): AnalyzedRow => {
    const predicted = predictSeconds(model, row.counts);
    const residual = predicted === null ? null : (predicted - row.measured_s) / row.measured_s;
    const rowSpread = spread(row);
    return {
      hardware: row.hardware,
      measured_s: row.measured_s,
      predicted_s: predicted,
      residual,
      spread: rowSpread,
      flagged: residual === null || Math.abs(residual) > (rowSpread ?? DEFAULT_TOLERANCE),
    };
  });
  const baseline = table.rows[table.baseline];
  const baseCores = model.cores ? model.cores[model.kinds.indexOf(model.baseKind)] : null;
  return {
    file: table.file,
    fit: model.method,
    base_kind: model.baseKind,
    speeds: byKind(model.speeds),
    speeds_ci95: byKind(model.intervals),
    ci_source: model.intervalSource,
    cores: model.cores ? byKind(model.cores) : null,
    per_core:
      model.cores && baseCores ? byKind(model.speeds.map((speed, k) => (speed * baseCores) / model.cores![k])) : null,
    work_s: model.workSeconds,
    rows,
    warnings: [...speedWarnings(model), ...rows.filter((row) => row.flagged).map(rowWarning)],
    predictions: asked.map((counts) => predict(model, counts, baseline.measured_s, coresOf(model, baseline.counts))),
    next: options.next ? nextHosts(model, table) : null,
    skipped: table.skipped,
  };
}

function predict(
  model: CapacityModel,
  counts: Counts,
  baselineSeconds: number,
  baselineCores: number | null,
): Prediction {
  const predicted = predictSeconds(model, counts);
  const cores = coresOf(model, counts);
  const scalability =
    predicted !== null && cores !== null && baselineCores !== null
      ? (baselineSeconds * baselineCores) / cores / predicted
      : null;
  return {hardware: formatCounts(counts), cores, predicted_s: predicted, scalability};
}

/** For the largest combination measured (most hosts), what one more host of each kind saves. */
function nextHosts(model: CapacityModel, table: ObservedTable): Analysis['next'] {
  const size = (counts: Counts) => [...counts.values()].reduce((a, b) => a + b, 0);
  const largest = table.rows.reduce((best, row) => (size(row.counts) >= size(best.counts) ? row : best));
  const now = predictSeconds(model, largest.counts);
  const add = model.kinds.map((kind, k): NextHost => {
    const counts = new Map(largest.counts).set(kind, (largest.counts.get(kind) ?? 0) + 1);
    const predicted = predictSeconds(model, counts);
    const saved = now !== null && predicted !== null ? now - predicted : null;
    return {
      kind,
      predicted_s: predicted,
      saved_s: saved,
      saved_per_core_s: saved !== null && model.cores ? saved / model.cores[k] : null,
    };
  });
  return {hardware: largest.hardware, measured_s: largest.measured_s, predicted_s: now, add};
}

function speedWarnings(model: CapacityModel): string[] {
  const never = model.neverHelped.map(
    (kind) =>
      `${kind}: adding one never made the runs faster (fitted speed ${model.speeds[model.kinds.indexOf(kind)].toFixed(3)}), so the model cannot say what it is worth`,
  );
  const held = model.held.filter((kind) => !model.neverHelped.includes(kind));
  if (held.length === 0) return never;
  return [
    ...never,
    `the times do not add up as the hosts' capacities would (overhead, latency or imbalance is at work): the free fit gave ${held.join(' and ')} a speed not above 0, so ${held.length === 1 ? 'its speed is' : 'their speeds are'} held above 0, and at least at what adding one gained where the table shows it`,
  ];
}

function rowWarning(row: AnalyzedRow): string {
  if (row.predicted_s === null || row.residual === null)
    return `${row.hardware}: the fitted speeds add up to nothing for this combination`;
  const limit =
    row.spread === null
      ? `${percent(DEFAULT_TOLERANCE)} (no run-to-run spread known)`
      : `its runs' spread of ${percent(row.spread)}`;
  return `${row.hardware}: measured ${row.measured_s.toFixed(2)} s, the model says ${row.predicted_s.toFixed(2)} s (${signedPercent(row.residual)}), beyond ${limit}: something beyond capacity (overhead, latency, imbalance) is at work`;
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function signedPercent(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
}
