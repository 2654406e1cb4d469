import type {EngineName} from '../config/engine-names.js';
import type {Host} from '../config/inventory.js';
import {calibratedCapacityIdeal, runCapacityIdeal} from './efficiency.js';
import {idealSeconds, scalability} from './formulas.js';
import {describeHardware, kindCounts} from './hardware.js';
import type {BenchRow, RunRecord} from './result.js';
import {bootstrapCi95, median, summarise, type Summary} from './stats.js';
import {interferenceWarnings, noiseWarnings} from './warnings.js';

/** Seeds the bootstraps, so a result's intervals are the same each time it is summarised. */
const BOOTSTRAP_SEED = 0x5ca1e;

/** One row of the table from a combination's runs: times, their statistics, efficiency, warnings. */
export function summariseRow(
  engine: EngineName,
  hosts: Host[],
  warmup: RunRecord[],
  runs: RunRecord[],
  error: string | undefined,
  /** The run's work items (a forest's trees), for the capacity ideals. */
  work: number,
  calibration: ReadonlyMap<string, number>,
): BenchRow {
  const names = hosts.map((host) => host.name);
  const calibratedIdeal = calibratedCapacityIdeal(names, work, calibration);
  const row: BenchRow = {
    engine,
    hardware: describeHardware(hosts),
    kinds: Object.fromEntries(kindCounts(hosts)),
    hosts: names,
    cores: hosts.reduce((sum, host) => sum + host.cores, 0),
    ideal_s: null,
    measured_s: null,
    min_s: null,
    max_s: null,
    scalability: null,
    capacity_ideal_s: null,
    efficiency: null,
    accuracy: null,
    status: error ? 'failed' : 'ok',
    mean_s: null,
    stddev_s: null,
    median_s: null,
    cv: null,
    ci95_s: null,
    scalability_ci95: null,
    efficiency_ci95: null,
    calibrated_capacity_ideal_s: calibratedIdeal,
    calibrated_efficiency: null,
    warnings: [],
    runs,
    warmup,
  };
  if (error) row.error = error;
  if (error || runs.length === 0) return row;
  const summary = addTimes(row, runs, work, calibration);
  row.warnings.push(...interferenceWarnings(runs), ...noiseWarnings(runs, summary));
  return row;
}

/** The row's times and their statistics, its accuracy, and its efficiency run by run. */
function addTimes(row: BenchRow, runs: RunRecord[], work: number, calibration: ReadonlyMap<string, number>): Summary {
  const summary = summarise(runs.map((run) => run.seconds));
  Object.assign(row, {
    measured_s: summary.median,
    min_s: summary.min,
    max_s: summary.max,
    mean_s: summary.mean,
    stddev_s: summary.stddev,
    median_s: summary.median,
    cv: summary.cv,
    ci95_s: summary.ci95,
  });
  row.accuracy = median(runs.map((run) => run.accuracy));
  if (row.calibrated_capacity_ideal_s !== null)
    row.calibrated_efficiency = row.calibrated_capacity_ideal_s / summary.median;
  // Each run's efficiency is its own capacity ideal over its own time: both come from that run.
  const ideals = runs.map((run) => runCapacityIdeal(run, work, calibration));
  if (ideals.every((ideal) => ideal !== null)) {
    const efficiencies = ideals.map((ideal, i) => ideal! / runs[i].seconds);
    row.capacity_ideal_s = median(ideals as number[]);
    row.efficiency = median(efficiencies);
    row.efficiency_ci95 = bootstrapCi95([efficiencies], ([sample]) => median(sample), BOOTSTRAP_SEED);
  }
  return summary;
}

/** The paper's ideal and scalability, from the baseline row; none when the baseline failed. */
export function addIdeals(rows: BenchRow[], baseline: BenchRow): void {
  if (baseline.measured_s === null) return;
  const baselineSeconds = baseline.runs.map((run) => run.seconds);
  for (const row of rows) {
    row.ideal_s = idealSeconds(baseline.measured_s, baseline.cores, row.cores);
    if (row.measured_s === null) continue;
    row.scalability = scalability(row.ideal_s, row.measured_s);
    const seconds = row.runs.map((run) => run.seconds);
    // The baseline's runs are resampled with the row's own: both medians vary.
    row.scalability_ci95 =
      row === baseline
        ? [1, 1]
        : bootstrapCi95(
            [baselineSeconds, seconds],
            ([b, r]) => scalability(idealSeconds(median(b), baseline.cores, row.cores), median(r)),
            BOOTSTRAP_SEED,
          );
  }
}
