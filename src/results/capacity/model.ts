import {InputError} from '../../errors.js';
import {type FitMethod, dot, fitRates, heldKinds, helpedFloors, residualCovariance} from './fit.js';
import {formatCounts, spellKind, type Counts} from '../hardware.js';
import {intervalsFromCovariance, intervalsFromRuns} from './interval.js';
import {leastSquares, SingularMatrixError, undeterminedColumns} from './linear.js';
import {implausibleSeconds, SECONDS_RANGE_FIX, type ObservedTable} from './observation.js';

/** time = work / sum of the hosts' speeds, one speed per kind of host, the baseline's kind = 1. */
export interface CapacityModel {
  method: FitMethod;
  kinds: string[];
  baseKind: string;
  /** Combinations per second one host of each kind adds: speed / work. */
  rates: number[];
  speeds: number[];
  /** 95% intervals of the speeds, null when the table cannot give one (as many rows as kinds). */
  intervals: ([number, number] | null)[];
  intervalSource: 'runs' | 'residuals' | null;
  /** Seconds one host of the base kind would take alone. */
  workSeconds: number;
  /** Cores of one host of each kind, when the table's cores column determines them. */
  cores: number[] | null;
  /** Kinds whose speed the free fit put below what adding one of them gained: held there, as the times do not add up. */
  held: string[];
  /** Kinds that joined measured rows (a row that differs by one of them alone) and never made them faster. */
  neverHelped: string[];
}

/** Fits the model, refusing a table that cannot determine every kind's speed. */
export function fitModel(table: ObservedTable, method: FitMethod): CapacityModel {
  const {rows, file} = table;
  const kinds = [...new Set(rows.flatMap((row) => [...row.counts.keys()]))];
  if (rows.length === 0)
    throw new InputError({
      file,
      field: 'measured_s',
      problem: 'no row has a measured time',
      fix: 'analyze a sweep with at least one finished combination per kind of host',
    });
  if (rows.length < kinds.length) {
    throw new InputError({
      file,
      field: 'measured_s',
      problem: `${kinds.length} kinds of host (${kinds.join(', ')}) but only ${rows.length} row(s) with a time`,
      fix: 'the model needs at least one row per kind: add rows',
    });
  }
  const design = rows.map((row) => kinds.map((kind) => row.counts.get(kind) ?? 0));
  const undetermined = undeterminedColumns(design).map((k) => kinds[k]);
  if (undetermined.length > 0) {
    const which = undetermined.length === kinds.length && kinds.length === 1 ? kinds[0] : undetermined.join(' and ');
    throw new InputError({
      file,
      field: 'hardware',
      problem: `the speeds of ${which} cannot be told apart: they never appear without each other in the same proportion`,
      fix: 'add a row where their counts differ, e.g. one of them alone',
    });
  }
  const seconds = rows.map((row) => row.measured_s);
  const base = kinds.indexOf([...rows[table.baseline].counts.keys()][0]);
  try {
    return checkFinite(fitDetermined(table, method, kinds, design, seconds, base), file, seconds);
  } catch (error) {
    if (error instanceof SingularMatrixError) throw unfittable(file, seconds);
    throw error;
  }
}

/**
 * Times the fit finds no finite speeds for are bad input, never a NaN printed as a speed nor an
 * internal error. In range they always have some (each kind is held above 0): the time out of range is named.
 */
function unfittable(file: string, seconds: number[]): InputError {
  const outside = seconds.map((t) => implausibleSeconds(t)).find((why) => why !== null);
  return new InputError({
    file,
    field: 'measured_s',
    problem: `the times cannot be fitted: ${outside ?? 'no finite speeds fit them'}`,
    fix: SECONDS_RANGE_FIX,
  });
}

function checkFinite(model: CapacityModel, file: string, seconds: number[]): CapacityModel {
  const intervals = model.intervals.flatMap((interval) => interval ?? []);
  const finite = [...model.rates, model.workSeconds, ...intervals].every(Number.isFinite);
  if (!finite) throw unfittable(file, seconds);
  return model;
}

/** The fit itself, once every kind's speed is known to be determined by the rows. */
function fitDetermined(
  table: ObservedTable,
  method: FitMethod,
  kinds: string[],
  design: number[][],
  seconds: number[],
  base: number,
): CapacityModel {
  const {rows} = table;
  const fit = fitRates(design, seconds, method);
  const speedsOf = (rates: number[]) => rates.map((rate) => rate / rates[base]);
  const withRuns = rows.some((row) => row.runs.length > 1);
  let intervals: ([number, number] | null)[] = kinds.map(() => null);
  let intervalSource: CapacityModel['intervalSource'] = null;
  if (withRuns) {
    intervals = intervalsFromRuns(
      rows.map((row) => row.runs),
      seconds,
      (resampled) => speedsOf(fitRates(design, resampled, method).rates),
    );
    intervalSource = 'runs';
  } else {
    const covariance = residualCovariance(fit);
    if (covariance) {
      intervals = intervalsFromCovariance(fit.rates, covariance, base, rows.length - kinds.length);
      intervalSource = 'residuals';
    }
  }
  return {
    method,
    kinds,
    baseKind: kinds[base],
    rates: fit.rates,
    speeds: speedsOf(fit.rates),
    intervals,
    intervalSource,
    workSeconds: 1 / fit.rates[base],
    cores: coresPerKind(
      design,
      rows.map((row) => row.cores),
    ),
    held: heldKinds(design, seconds, method).map((k) => kinds[k]),
    neverHelped: kinds.filter((_, k) => joinedWithoutGain(design, seconds, k)),
  };
}

/** Whether rows differ by one host of kind k alone, and none of those with it was faster. */
function joinedWithoutGain(design: number[][], seconds: number[], k: number): boolean {
  let joined = false;
  let gained = false;
  design.forEach((without, a) =>
    design.forEach((within, b) => {
      if (!within.every((n, j) => n === without[j] + (j === k ? 1 : 0))) return;
      joined = true;
      gained ||= seconds[b] < seconds[a];
    }),
  );
  return joined && !gained && helpedFloors(design, seconds)[k] === 0;
}

/** Predicted seconds of a combination; null when the fitted speeds add up to nothing. */
export function predictSeconds(model: CapacityModel, counts: Counts): number | null {
  const rate = dot(
    model.kinds.map((kind) => counts.get(kind) ?? 0),
    model.rates,
  );
  return rate > 0 ? 1 / rate : null;
}

export function coresOf(model: CapacityModel, counts: Counts): number | null {
  if (!model.cores) return null;
  const cores = model.cores;
  return model.kinds.reduce((sum, kind, k) => sum + (counts.get(kind) ?? 0) * cores[k], 0);
}

/** Refuses a combination with a kind the table never measured, naming the kinds it has. */
export function checkKnownKinds(model: CapacityModel, counts: Counts, flag: string): void {
  const unknown = [...counts.keys()].filter((kind) => !model.kinds.includes(kind));
  if (unknown.length > 0)
    throw new InputError({
      file: flag,
      field: formatCounts(counts),
      problem: `no speed for ${unknown.map(spellKind).join(', ')}: the table has ${model.kinds.map(spellKind).join(', ')}`,
      fix: 'predict combinations of the kinds the table measured',
    });
}

/** Cores per host of each kind, when every row's total is a whole-number sum of them. */
function coresPerKind(design: number[][], cores: (number | null)[]): number[] | null {
  if (cores.some((c) => c === null)) return null;
  const totals = cores as number[];
  const perKind = leastSquares(design, totals).x.map((c) => Math.round(c));
  const exact = perKind.every((c) => c >= 1) && design.every((row, r) => dot(row, perKind) === totals[r]);
  return exact ? perKind : null;
}
