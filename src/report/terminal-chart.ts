import type {BenchResult} from '../bench/result.js';
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
  const lines = grid.map((cells, i) => `${i === 0 ? `${max.toFixed(1).padStart(7)} s` : ' '.repeat(9)} │${cells.join('').trimEnd()}`);
  lines.push(`${' '.repeat(9)} └${'─'.repeat(rows.length * columnWidth)}`);
  lines.push(`${' '.repeat(11)}${rows.map((row) => `${row.cores} cores`.padEnd(columnWidth)).join('')}`);
  lines.push(`${' '.repeat(11)}${SERIES.map((s, i) => `${MARKS[i]} ${s.name}`).join('   ')}`);
  return lines.join('\n');
}
