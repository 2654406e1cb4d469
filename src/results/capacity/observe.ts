import type {Counts} from '../hardware.js';
import {median} from '../stats.js';
import type {Observation, ObservedTable} from './observation.js';

/** What the model reads of a bench row, whether it comes from a sweep or from a file. */
export interface ObservableRow {
  hardware: string;
  hosts?: readonly string[];
  status?: string;
  cores?: number | null;
  measured_s?: number | null;
  min_s?: number | null;
  max_s?: number | null;
  runs?: readonly {seconds: number}[];
  /** Text from a sweep; `--json` prints an object with its message. */
  error?: string | {message: string} | null;
}

/**
 * The model's view of a bench result: each measured row's kinds of host (`countsOf`: from the hosts
 * for a sweep's own result, from the Hardware cell for a file) with its times; failed rows skipped
 * with their reason. `file` names the result in the model's messages.
 */
export function observeRows<Row extends ObservableRow>(
  result: {rows: readonly Row[]; baseline?: readonly string[]},
  file: string,
  countsOf: (row: Row, index: number) => Counts,
): ObservedTable {
  const rows: Observation[] = [];
  const skipped: string[] = [];
  let baseline = 0;
  result.rows.forEach((row, i) => {
    const times = (row.runs ?? []).map((run) => run.seconds);
    const measured = row.measured_s ?? (times.length > 0 ? median(times) : null);
    if (row.status === 'failed' || measured === null) {
      skipped.push(`rows[${i}] (${row.hardware}): ${errorText(row.error) ?? 'no measured time'}`);
      return;
    }
    if (result.baseline && sameHosts(row.hosts, result.baseline)) baseline = rows.length;
    rows.push({
      hardware: row.hardware,
      counts: countsOf(row, i),
      measured_s: measured,
      cores: row.cores ?? null,
      runs: times,
      min_s: row.min_s ?? null,
      max_s: row.max_s ?? null,
    });
  });
  return {file, rows, baseline, skipped};
}

function errorText(error: ObservableRow['error']): string | undefined {
  if (error === undefined || error === null) return undefined;
  return typeof error === 'string' ? error : error.message;
}

function sameHosts(hosts: readonly string[] | undefined, baseline: readonly string[]): boolean {
  return hosts !== undefined && hosts.length === baseline.length && hosts.every((host, i) => host === baseline[i]);
}
