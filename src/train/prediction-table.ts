import type {Delimiter} from '../data/delimiter.js';
import {InputError} from '../errors.js';

/** What predict writes per row: the class, and on request its probabilities and the input's own cells. */
export interface PredictionTable {
  classes: string[];
  predictions: string[];
  /** rows x classes, in the order of classes; undefined without --proba. */
  probabilities?: Float64Array;
  /** The input's header and records as read; undefined without --keep-columns. */
  kept?: {header: string[]; rows: string[][]};
  delimiter: Delimiter;
}

/** A probability as written: six decimals at most, trailing zeros dropped (1, 0.37, 0.004167). */
export const probabilityText = (p: number) => String(Number(p.toFixed(6)));

/** The header predict writes: the kept columns, `prediction`, then `proba_<class>` per class. */
export function predictionHeader(table: PredictionTable): string[] {
  const own = ['prediction', ...(table.probabilities ? table.classes.map((name) => `proba_${name}`) : [])];
  const kept = table.kept?.header ?? [];
  const clash = own.find((name) => kept.includes(name));
  if (clash !== undefined)
    throw new InputError({
      file: '--keep-columns',
      problem: `the data already has a column named '${clash}', which predict writes`,
      fix: 'rename that column of the data, or leave out --keep-columns',
    });
  return [...kept, ...own];
}

/** Each output row's cells, in the order of predictionHeader. */
export function* predictionRows(table: PredictionTable): Generator<string[]> {
  const {classes, predictions, probabilities, kept} = table;
  for (let row = 0; row < predictions.length; row++) {
    const cells = kept ? [...kept.rows[row]] : [];
    cells.push(predictions[row]);
    if (probabilities)
      for (let c = 0; c < classes.length; c++) cells.push(probabilityText(probabilities[row * classes.length + c]));
    yield cells;
  }
}

/** One CSV line in the given delimiter, cells quoted where they hold it, a quote or a line end (RFC 4180). */
export function csvLine(cells: readonly string[], delimiter: Delimiter): string {
  return cells
    .map((cell) => (cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
    .join(delimiter);
}

/** The whole table as a CSV file's text. */
export function predictionCsv(table: PredictionTable): string {
  const lines = [csvLine(predictionHeader(table), table.delimiter)];
  for (const cells of predictionRows(table)) lines.push(csvLine(cells, table.delimiter));
  return `${lines.join('\n')}\n`;
}
