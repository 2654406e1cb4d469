import Table from 'cli-table3';
import type {DaskCheck} from '../engine/dask/check.js';
import {printable} from '../text/printable.js';

/** Each host's Python for the dask engine, then why a refused host cannot serve and how to fix it. */
export function renderDaskChecks(checks: DaskCheck[]): string {
  const table = new Table({
    head: ['Host', 'Dask engine', 'Python', 'scikit-learn', 'dask', 'distributed'],
    style: {head: [], border: []},
  });
  for (const check of checks) {
    const p = check.python;
    // A host's Python answers for itself: its versions are outside text.
    table.push([
      check.host,
      check.ok ? 'ok' : 'FAILED',
      ...[p ? `${p.path} ${p.python}` : '', p?.sklearn ?? '', p?.dask ?? '', p?.distributed ?? ''].map(printable),
    ]);
  }
  return [
    table.toString(),
    ...checks.filter((check) => check.error).map((check) => `Error: host ${check.host}: ${printable(check.error!)}`),
  ].join('\n');
}
