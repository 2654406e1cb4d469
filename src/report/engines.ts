import Table from 'cli-table3';
import type {EngineComparison} from '../results/engine-comparison.js';
import {printable} from '../text/printable.js';

/** Each combination's time and accuracy under every engine, side by side, timed against the first engine. */
export function renderEngineComparison(engines: string[], rows: EngineComparison[]): string {
  const [first, ...others] = engines;
  const head = [
    'Hardware',
    'Cores',
    ...engines.map((e) => `${e} (s)`),
    ...others.map((e) => `${e} / ${first}`),
    ...engines.map((e) => `${e} accuracy`),
  ];
  const table = new Table({head, style: {head: [], border: []}});
  const seconds = (value: number | null) => (value === null ? 'FAILED' : value.toFixed(2));
  for (const row of rows) {
    table.push([
      printable(row.hardware),
      row.cores,
      ...engines.map((e) => seconds(row.measured_s[e])),
      ...others.map((e) => row.ratio[e]?.toFixed(2) ?? ''),
      ...engines.map((e) => row.accuracy[e]?.toFixed(4) ?? ''),
    ]);
  }
  return `Engines side by side (time ratio: the engine's measured time over ${first}'s):\n${table.toString()}`;
}
