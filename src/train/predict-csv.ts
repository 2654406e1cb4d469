import {loadCsvForModel, UNLABELLED} from '../data/csv.js';
import {fillMissing} from '../data/missing.js';
import {InputError} from '../errors.js';
import {checkNotAnInput} from '../files/same-file.js';
import {ioProblem, writeWhole} from '../files/write-whole.js';
import {checkOutputFile} from './check-output.js';
import {unseenLabelWarning} from './data-warnings.js';
import {delimiterOf} from './csv-flags.js';
import {loadPredictor} from './saved-model.js';

export interface PredictCsvResult {
  /** The model's kind: forest or network. */
  kind: 'forest' | 'network';
  rows: number;
  /** Rows with a class in the model's target column (blank cells are rows to predict). */
  labelled: number;
  /** Over the labelled rows; null when there are none. */
  accuracy: number | null;
  target: string;
  out: string | null;
  predictions: string[];
  /** What the user should know about the model (a format without a checksum). */
  warnings: string[];
}

/** `cluster predict`: the model's class for each row of a CSV, written to `out` when given. */
export function predictCsv(request: {model: string; data: string; out?: string; delimiter?: string}): PredictCsvResult {
  const delimiter = delimiterOf(request.delimiter);
  // '' too: it was taken for no --out, and the predictions went to stdout.
  if (request.out !== undefined) {
    checkOutputFile(request.out, '--out');
    checkNotAnInput({flag: '--out', path: request.out}, [
      {flag: '--model', path: request.model},
      {flag: '--data', path: request.data},
    ]);
  }
  const model = loadPredictor(request.model);
  const {info, warning} = model;
  // Rows whose target cell is blank are what predict is for: predicted, and left out of the accuracy.
  const rows = loadCsvForModel(request.data, info, {
    blankLabels: true,
    delimiter,
    missing: info.fill ? 'keep' : 'error',
  });
  const filled = info.fill ? fillMissing(rows.values, info.featureNames.length, info.fill) : 0;
  const classes = model.predict(rows.values, rows.rows);
  const predictions = Array.from(classes, (c) => info.classes[c]);
  const labelled = rows.labels ? rows.labels.filter((label) => label !== UNLABELLED).length : 0;
  const right = rows.labels ? rows.labels.filter((label, row) => label === classes[row]).length : 0;
  const accuracy = labelled > 0 ? right / labelled : null;
  if (request.out) writePredictions(request.out, predictions);
  const unseen = unseenLabelWarning(
    rows.unseen,
    `the model's training rows (its classes: ${info.classes.join(', ')})`,
    model.kind,
  );
  const fillNote =
    filled > 0
      ? `filled ${filled} missing value${filled === 1 ? '' : 's'} with the values the model was trained with (train --missing)`
      : undefined;
  const warnings = [warning, fillNote, unseen].filter((w) => w !== undefined);
  return {
    kind: model.kind,
    rows: rows.rows,
    labelled,
    accuracy,
    target: info.target,
    out: request.out ?? null,
    predictions,
    warnings,
  };
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writePredictions(out: string, predictions: string[]): void {
  try {
    writeWhole(out, `prediction\n${predictions.map(csvCell).join('\n')}\n`);
  } catch (error) {
    throw new InputError({
      file: out,
      problem: `cannot write the predictions (${ioProblem(error)})`,
      fix: 'make room, or choose another --out',
    });
  }
}
