import type {BenchResult} from '../bench/result.js';
import {median} from '../bench/stats.js';
import {InputError} from '../errors.js';
import {implausibleSeconds, SECONDS_RANGE_FIX, type Observation, type ObservedTable} from './observation.js';
import {HARDWARE_FIX, readHardware} from './read-hardware.js';

const JSON_FIX = 'pass the JSON written by cluster bench (results/<id>.json or --json), or a results CSV';

/** The JSON of `cluster bench`: rows with hardware, cores, measured_s and every run's seconds. */
export function readBenchJson(text: string, file: string): ObservedTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError({file, problem: `not valid JSON (${(error as Error).message})`, fix: JSON_FIX});
  }
  const rows = (parsed as {rows?: unknown})?.rows;
  if (!Array.isArray(rows)) throw new InputError({file, field: 'rows', problem: 'no rows array', fix: JSON_FIX});
  rows.forEach((row, i) => checkRow(row, `rows[${i}]`, file));
  return observeBench(parsed as Pick<BenchResult, 'rows'> & {baseline?: string[]}, file);
}

/** The model's view of a bench result, read from a file or straight from a sweep. */
export function observeBench(result: Pick<BenchResult, 'rows'> & {baseline?: string[]}, file: string): ObservedTable {
  const rows: Observation[] = [];
  const skipped: string[] = [];
  let baseline = 0;
  result.rows.forEach((row, i) => {
    const times = (row.runs ?? []).map((run) => run.seconds);
    const measured = row.measured_s ?? (times.length > 0 ? median(times) : null);
    if (row.status === 'failed' || measured === null) {
      skipped.push(`rows[${i}] (${row.hardware}): ${row.error ?? 'no measured time'}`);
      return;
    }
    if (result.baseline && sameHosts(row.hosts, result.baseline)) baseline = rows.length;
    const counts = readHardware(row.hardware, {file, field: `rows[${i}].hardware`});
    rows.push({hardware: row.hardware, counts, measured_s: measured, cores: row.cores ?? null, runs: times, min_s: row.min_s ?? null, max_s: row.max_s ?? null});
  });
  return {file, rows, baseline, skipped};
}

function sameHosts(hosts: readonly string[] | undefined, baseline: readonly string[]): boolean {
  return hosts !== undefined && hosts.length === baseline.length && hosts.every((host, i) => host === baseline[i]);
}

/** Field by field, so a hand-edited file is refused with the path of the bad value. */
function checkRow(row: unknown, path: string, file: string): void {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new InputError({file, field: `${path}.${field}`, problem, fix});
  };
  if (typeof row !== 'object' || row === null) throw new InputError({file, field: path, problem: 'not an object', fix: JSON_FIX});
  const r = row as Record<string, unknown>;
  if (typeof r.hardware !== 'string') fail('hardware', `expected text, got ${JSON.stringify(r.hardware)}`, HARDWARE_FIX);
  for (const field of ['measured_s', 'cores', 'min_s', 'max_s']) {
    const value = r[field];
    if (value !== undefined && value !== null && !(typeof value === 'number' && value > 0)) fail(field, `expected a number above 0, got ${JSON.stringify(value)}`, 'a time in seconds, or null for a failed combination');
    if (field !== 'cores') checkSeconds(value, field, fail);
  }
  if (r.runs !== undefined && !Array.isArray(r.runs)) fail('runs', 'expected a list of runs', JSON_FIX);
  for (const [i, run] of ((r.runs as unknown[]) ?? []).entries()) {
    const seconds = (run as {seconds?: unknown})?.seconds;
    if (!(typeof seconds === 'number' && seconds > 0)) fail(`runs[${i}].seconds`, `expected a number above 0, got ${JSON.stringify(seconds)}`, 'each run needs its time in seconds');
    checkSeconds(seconds, `runs[${i}].seconds`, fail);
  }
}

/** A time the model could not fit (1e-160 or 1e308 s) is refused by its path, like a text one. */
function checkSeconds(value: unknown, field: string, fail: (field: string, problem: string, fix: string) => never): void {
  const problem = typeof value === 'number' ? implausibleSeconds(value) : null;
  if (problem) fail(field, problem, SECONDS_RANGE_FIX);
}
