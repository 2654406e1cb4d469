import {loadCsvForModel} from '../data/csv.js';
import {InputError} from '../errors.js';
import {ioProblem, writeWhole} from '../files/write-whole.js';
import {loadModel} from '../forest/model-file.js';
import {checkOutputFile} from './check-output.js';

export interface PredictCsvResult {
  rows: number;
  /** When the file has the model's target column; else null. */
  accuracy: number | null;
  target: string;
  out: string | null;
  predictions: string[];
  /** What the user should know about the model (a format without a checksum). */
  warnings: string[];
}

/** `cluster predict`: the model's class for each row of a CSV, written to `out` when given. */
export function predictCsv(request: {model: string; data: string; out?: string}): PredictCsvResult {
  // '' too: it was taken for no --out, and the predictions went to stdout.
  if (request.out !== undefined) checkOutputFile(request.out, '--out');
  const {info, forest, warning} = loadModel(request.model);
  const rows = loadCsvForModel(request.data, info);
  const predictions = Array.from(forest.predict(rows.values, info.featureNames.length), (c) => info.classes[c]);
  const labels = rows.labels;
  const accuracy = labels ? predictions.filter((name, row) => name === info.classes[labels[row]]).length / rows.rows : null;
  if (request.out) writePredictions(request.out, predictions);
  return {rows: rows.rows, accuracy, target: info.target, out: request.out ?? null, predictions, warnings: warning ? [warning] : []};
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writePredictions(out: string, predictions: string[]): void {
  try {
    writeWhole(out, `prediction\n${predictions.map(csvCell).join('\n')}\n`);
  } catch (error) {
    throw new InputError({file: out, problem: `cannot write the predictions (${ioProblem(error)})`, fix: 'make room, or choose another --out'});
  }
}
