import type {BenchResult} from '../results/result.js';
import {SERIES} from './scaling-chart.js';

const MARKS = ['●', '·', '+'];
const HEIGHT = 8;

/** A small text chart of time against cores after the table: ● measured, · ideal (cores), + capacity ideal. */
export function renderTerminalChart(result: BenchResult): string {
  const rows = result.rows.filter((row) => row.measured_s !== null);
  if (rows.length < 2) return '';
  const max = Math.max(...rows.flatMap((row) => SERIES.map((s) => s.value(row) ?? 0)));
  const columnWidth = 8;
  const grid = Array.from({length: HEIGHT}, () => Array.from({length: rows.length * columnWidth}, () => ' '));
  rows.forEach((row, column) => {
    SERIES.forEach((series, s) => {
      const value = series.value(row);
      if (value === null) return;
      const level = Math.min(HEIGHT - 1, Math.round((value / max) * (HEIGHT - 1)));
      const at = column * columnWidth + 3 + s;
      grid[HEIGHT - 1 - level][at] = MARKS[s];
    });
  });
  // The y axis: wall time in seconds, labelled at the top, the middle and zero.
  const label = (i: number) =>
    i === 0
      ? max
      : i === HEIGHT - 1
        ? 0
        : i === (HEIGHT - 1) >> 1
          ? (max * (HEIGHT - 1 - i)) / (HEIGHT - 1)
          : undefined;
  const lines = [`${' '.repeat(4)}time (s)`];
  lines.push(
    ...grid.map(
      (cells, i) =>
        `${label(i) === undefined ? ' '.repeat(9) : String(+label(i)!.toPrecision(3)).padStart(9)} │${cells.join('').trimEnd()}`,
    ),
  );
  lines.push(`${' '.repeat(9)} └${'─'.repeat(rows.length * columnWidth)}`);
  lines.push(
    `${' '.repeat(11)}${rows.map((row) => `${row.cores} core${row.cores === 1 ? '' : 's'}`.padEnd(columnWidth)).join('')}  (cores)`,
  );
  lines.push(`${' '.repeat(11)}${SERIES.map((s, i) => `${MARKS[i]} ${s.name}`).join('   ')}`);
  return lines.join('\n');
}
