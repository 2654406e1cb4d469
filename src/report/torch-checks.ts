import Table from 'cli-table3';
import type {TorchCheck} from '../engine/torch/check.js';
import {printable} from '../text/printable.js';

/** Each host's Python for the torch engine, then why a refused host cannot serve and how to fix it. */
export function renderTorchChecks(checks: TorchCheck[]): string {
  const table = new Table({head: ['Host', 'Torch engine', 'Python', 'torch', 'numpy'], style: {head: [], border: []}});
  for (const check of checks) {
    const p = check.python;
    // A host's Python answers for itself: its versions are outside text.
    table.push([
      check.host,
      check.ok ? 'ok' : 'FAILED',
      ...[p ? `${p.path} ${p.python}` : '', p?.torch ?? '', p?.numpy ?? ''].map(printable),
    ]);
  }
  return [
    table.toString(),
    ...checks.filter((check) => check.error).map((check) => `Error: host ${check.host}: ${printable(check.error!)}`),
  ].join('\n');
}
