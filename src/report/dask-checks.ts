import Table from 'cli-table3';
import type {DaskCheck} from '../engine/dask/check.js';

/** Each host's Python for the dask engine, then why a refused host cannot serve and how to fix it. */
export function renderDaskChecks(checks: DaskCheck[]): string {
  const table = new Table({head: ['Host', 'Dask engine', 'Python', 'scikit-learn', 'dask', 'distributed'], style: {head: [], border: []}});
  for (const check of checks) {
    const p = check.python;
    table.push([check.host, check.ok ? 'ok' : 'FAILED', p ? `${p.path} ${p.python}` : '', p?.sklearn ?? '', p?.dask ?? '', p?.distributed ?? '']);
  }
  return [table.toString(), ...checks.filter((check) => check.error).map((check) => `Error: host ${check.host}: ${check.error}`)].join('\n');
}
