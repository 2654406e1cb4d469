import type {BenchResult} from '../results/result.js';
import {InputError} from '../errors.js';
import {implausibleSeconds, SECONDS_RANGE_FIX, type ObservedTable} from '../results/capacity/observation.js';
import {observeRows} from '../results/capacity/observe.js';
import {HARDWARE_FIX, readHardware} from '../results/capacity/read-hardware.js';

const JSON_FIX = 'pass the JSON written by cluster bench (results/<id>.json or --json), or a results CSV';
const HOSTS_FIX = 'a list of host names, as cluster bench writes it';

/** A row as a file may hold it: its error may be an error object, as `--json` prints one. */
type FileRow = Omit<BenchResult['rows'][number], 'error'> & {error?: string | {message: string} | null};

/** The JSON of `cluster bench`: rows with hardware, cores, measured_s and every run's seconds. */
export function readBenchJson(text: string, file: string): ObservedTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError({file, problem: `not valid JSON (${(error as Error).message})`, fix: JSON_FIX});
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputError({file, problem: `expected an object with rows, got ${shown(parsed)}`, fix: JSON_FIX});
  const {rows, baseline} = parsed as {rows?: unknown; baseline?: unknown};
  if (rows === undefined) throw new InputError({file, field: 'rows', problem: 'no rows array', fix: JSON_FIX});
  if (!Array.isArray(rows))
    throw new InputError({file, field: 'rows', problem: `expected a list of rows, got ${shown(rows)}`, fix: JSON_FIX});
  if (baseline !== undefined) checkNames(baseline, 'baseline', file);
  rows.forEach((row, i) => checkRow(row, `rows[${i}]`, file));
  return observeBench(parsed as {rows: FileRow[]; baseline?: string[]}, file);
}

/** The model's view of a bench result read from a file: the kinds of each row read from its Hardware cell. */
export function observeBench(result: {rows: FileRow[]; baseline?: string[]}, file: string): ObservedTable {
  return observeRows(result, file, (row, i) => readHardware(row.hardware, {file, field: `rows[${i}].hardware`}));
}

/** Field by field, every field the model reads, so a hand-edited file is refused with the path of the bad value. */
function checkRow(row: unknown, path: string, file: string): void {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new InputError({file, field: `${path}.${field}`, problem, fix});
  };
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new InputError({file, field: path, problem: `expected a row (an object), got ${shown(row)}`, fix: JSON_FIX});
  const r = row as Record<string, unknown>;
  if (typeof r.hardware !== 'string') fail('hardware', `expected text, got ${shown(r.hardware)}`, HARDWARE_FIX);
  for (const field of ['measured_s', 'cores', 'min_s', 'max_s']) {
    const value = r[field];
    const what =
      field === 'cores'
        ? 'how many cores the combination had (a whole number), or null'
        : 'a time in seconds, or null for a failed combination';
    if (value !== undefined && value !== null && !(typeof value === 'number' && value > 0))
      fail(field, `expected a number above 0, got ${shown(value)}`, what);
    if (field !== 'cores') checkSeconds(value, field, fail);
  }
  if (r.hosts !== undefined) checkNames(r.hosts, `${path}.hosts`, file);
  if (r.status !== undefined && typeof r.status !== 'string')
    fail('status', `expected text (ok or failed), got ${shown(r.status)}`, JSON_FIX);
  if (!(
    r.error === undefined ||
    r.error === null ||
    typeof r.error === 'string' ||
    typeof (r.error as {message?: unknown}).message === 'string'
  )) {
    fail('error', `expected text or an object with a message, got ${shown(r.error)}`, JSON_FIX);
  }
  if (r.runs !== undefined && !Array.isArray(r.runs))
    fail('runs', `expected a list of runs, got ${shown(r.runs)}`, JSON_FIX);
  for (const [i, run] of ((r.runs as unknown[]) ?? []).entries()) {
    if (typeof run !== 'object' || run === null || Array.isArray(run))
      fail(`runs[${i}]`, `expected a run (an object with its seconds), got ${shown(run)}`, JSON_FIX);
    const seconds = (run as {seconds?: unknown}).seconds;
    if (!(typeof seconds === 'number' && seconds > 0))
      fail(
        `runs[${i}].seconds`,
        `expected a number above 0, got ${shown(seconds)}`,
        'each run needs its time in seconds',
      );
    checkSeconds(seconds, `runs[${i}].seconds`, fail);
  }
}

/** `hosts` of a row and the sweep's `baseline`: lists of host names. */
function checkNames(value: unknown, field: string, file: string): void {
  if (!Array.isArray(value))
    throw new InputError({file, field, problem: `expected a list of host names, got ${shown(value)}`, fix: HOSTS_FIX});
  const bad = value.findIndex((name) => typeof name !== 'string');
  if (bad >= 0)
    throw new InputError({
      file,
      field: `${field}[${bad}]`,
      problem: `expected a host name, got ${shown(value[bad])}`,
      fix: HOSTS_FIX,
    });
}

/** A time the model could not fit (1e-160 or 1e308 s) is refused by its path, like a text one. */
function checkSeconds(
  value: unknown,
  field: string,
  fail: (field: string, problem: string, fix: string) => never,
): void {
  const problem = typeof value === 'number' ? implausibleSeconds(value) : null;
  if (problem) fail(field, problem, SECONDS_RANGE_FIX);
}

/** A JSON value as a message quotes it: short values as JSON, lists and objects by their kind. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
}
