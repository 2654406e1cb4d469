import type {BenchResult} from '../results/result.js';
import {COLUMNS} from './columns.js';

export function renderCsv(result: BenchResult): string {
  const lines = [COLUMNS.map((c) => c.csv).join(',')];
  for (const row of result.rows) lines.push(COLUMNS.map((c) => csvCell(c.value(row), c.csv.includes(','))).join(','));
  return `${lines.join('\n')}\n`;
}

/** Quotes text that needs it (RFC 4180: a comma, a quote, a line break); a column that spans two CSV fields is written as is. */
function csvCell(value: string | number, spansFields: boolean): string {
  const text = String(value);
  if (spansFields || !/[",\r\n]/.test(text)) return text;
  return `"${text.replaceAll('"', '""')}"`;
}
