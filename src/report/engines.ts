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
  const steps = rows.some((row) => row.steps) ? `\n${renderStepComparison(engines, rows)}` : '';
  return `Engines side by side (time ratio: the engine's measured time over ${first}'s):\n${table.toString()}${steps}`;
}

/** A network's step per host under each engine: computing / exchange / waiting for the slowest, milliseconds. */
function renderStepComparison(engines: string[], rows: EngineComparison[]): string {
  const table = new Table({
    head: ['Hardware', ...engines.map((e) => `${e}: host compute/exchange/wait (ms)`)],
    style: {head: [], border: []},
  });
  const ms = (seconds: number) => (seconds * 1000).toFixed(1);
  for (const row of rows)
    table.push([
      printable(row.hardware),
      ...engines.map((e) =>
        (row.steps?.[e] ?? [])
          .map((s) => printable(`${s.host} ${ms(s.computeSeconds)}/${ms(s.exchangeSeconds)}/${ms(s.waitSeconds)}`))
          .join('\n'),
      ),
    ]);
  return `Each step, per host (means over the measured runs):\n${table.toString()}`;
}
