import {loadCsvForModel, loadCsvRecords, UNLABELLED} from '../data/csv.js';
import {fillMissing} from '../data/missing.js';
import type {Delimiter} from '../data/delimiter.js';
import {InputError} from '../errors.js';
import {checkNotAnInput} from '../files/same-file.js';
import {ioProblem, writeWhole} from '../files/write-whole.js';
import {checkOutputFile} from './check-output.js';
import {unseenLabelWarning} from './data-warnings.js';
import {delimiterOf} from './csv-flags.js';
import {type PredictionTable, predictionCsv} from './prediction-table.js';
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
  /** What --out holds, or stdout shows: the predictions, with --proba and --keep-columns their probabilities and the input's cells. */
  table: PredictionTable;
  /** What the user should know about the model (a format without a checksum). */
  warnings: string[];
}

/** `cluster predict`: the model's class for each row of a CSV, written to `out` when given. */
export function predictCsv(request: {
  model: string;
  data: string;
  out?: string;
  delimiter?: string;
  proba?: boolean;
  keepColumns?: boolean;
}): PredictCsvResult {
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
  const table = tableOf(request, delimiter, info.classes, predictions, () =>
    model.probabilities(rows.values, rows.rows),
  );
  const labelled = rows.labels ? rows.labels.filter((label) => label !== UNLABELLED).length : 0;
  const right = rows.labels ? rows.labels.filter((label, row) => label === classes[row]).length : 0;
  const accuracy = labelled > 0 ? right / labelled : null;
  if (request.out) writePredictions(request.out, predictionCsv(table));
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
    table,
    warnings,
  };
}

function tableOf(
  request: {data: string; proba?: boolean; keepColumns?: boolean},
  delimiter: Delimiter | undefined,
  classes: string[],
  predictions: string[],
  probabilities: () => Float64Array,
): PredictionTable {
  const kept = request.keepColumns ? keptRecords(request.data, delimiter, predictions.length) : undefined;
  return {
    classes,
    predictions,
    probabilities: request.proba ? probabilities() : undefined,
    kept,
    // The input's cells go back in its own delimiter; a table of our own is comma-separated.
    delimiter: kept?.delimiter ?? ',',
  };
}

/** The input's records, for --keep-columns: one per row predicted (predict leaves no row out). */
function keptRecords(file: string, delimiter: Delimiter | undefined, rows: number) {
  const records = loadCsvRecords(file, delimiter);
  if (records.rows.length !== rows) throw new Error(`read ${records.rows.length} records of ${file} for ${rows} rows`);
  return records;
}

function writePredictions(out: string, text: string): void {
  try {
    writeWhole(out, text);
  } catch (error) {
    throw new InputError({
      file: out,
      problem: `cannot write the predictions (${ioProblem(error)})`,
      fix: 'make room, or choose another --out',
    });
  }
}
