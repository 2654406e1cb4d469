import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {LIMITS} from '../limits.js';
import type {Dataset} from './dataset.js';

export interface CsvTable {
  header: string[];
  /** Each record with the 1-based line it starts on. */
  records: {line: number; cells: string[]}[];
}

/** RFC 4180 CSV: a header row, commas, double-quoted cells with "" for a quote, LF or CRLF. */
export function parseCsv(text: string, file: string): CsvTable {
  const records: {line: number; cells: string[]}[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        cell += char;
      }
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') cells.push(cell), (cell = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0] !== '') records.push({line: recordLine, cells});
      (cells = []), (cell = ''), line++, (recordLine = line);
    } else cell += char;
  }
  if (quoted) throw new InputError({file, line: recordLine, problem: 'a quoted cell is never closed', fix: 'close the quote with "'});
  if (cell !== '' || cells.length > 0) records.push({line: recordLine, cells: [...cells, cell]});
  const first = records.shift();
  if (!first) throw new InputError({file, problem: 'the file is empty', fix: 'a CSV data set needs a header row and data rows'});
  const header = first.cells.map((name) => name.trim());
  refuseDuplicateColumns(header, file, first.line);
  return {header, records};
}

/** Columns are read by name: a second column of the same name would never be read, or read in place of the first. */
function refuseDuplicateColumns(header: string[], file: string, line: number): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) throw new InputError({file, line, column: i + 1, field: name, problem: `column '${name}' appears twice (columns ${first + 1} and ${i + 1})`, fix: 'rename one of them: columns are read by name'});
    seen.set(name, i);
  });
}

/** Reads a CSV data set: numeric feature columns and one target column of class labels. */
export function loadCsvDataset(file: string, target: string, shownAs = file): Dataset {
  return csvToDataset(parseCsv(readDataFile(file, shownAs), shownAs), target, shownAs);
}

function readDataFile(file: string, shownAs = file): string {
  try {
    return readTextFile(file, {limit: LIMITS.csvBytes, what: 'a CSV', tooLargeFix: "the limit is from this machine's memory; use fewer rows or columns", shownAs});
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({file: shownAs, problem: code === 'ENOENT' ? 'data file not found' : `cannot read data file (${code})`, fix: 'check the path'});
  }
}

export function csvToDataset(table: CsvTable, target: string, file: string): Dataset {
  const {header, records} = table;
  if (!header.includes(target)) {
    throw new InputError({file, line: 1, field: target, problem: `no column named '${target}' (columns: ${header.join(', ')})`, fix: 'set the target to one of the header names'});
  }
  const featureNames = header.filter((name) => name !== target);
  if (featureNames.length < 1) throw new InputError({file, line: 1, problem: 'no feature columns besides the target', fix: 'add at least one numeric column'});
  if (featureNames.length > LIMITS.features) throw new InputError({file, line: 1, problem: `${featureNames.length} feature columns are more than the ${LIMITS.features} a data set may have`, fix: 'each feature is binned and held apart in every slot; use fewer columns'});
  const {values, targets} = readColumns(table, featureNames, target, file);
  const classes = sortLabels([...new Set(targets)]);
  const index = new Map(classes.map((name, i) => [name, i]));
  const labels = Int32Array.from(targets!, (label) => index.get(label)!);
  return {rows: records.length, features: featureNames.length, values, labels, classes, featureNames};
}

/**
 * The named numeric columns, in the order named, and the target column's labels when it is there.
 * Every bad cell is reported with its line and column.
 */
export function readColumns(table: CsvTable, featureNames: readonly string[], target: string | undefined, file: string): {values: Float64Array; targets: string[] | undefined} {
  const {header, records} = table;
  if (records.length === 0) throw new InputError({file, problem: 'no data rows', fix: 'add rows below the header'});
  const columns = featureNames.map((name) => header.indexOf(name));
  const missing = featureNames.filter((_, i) => columns[i] < 0);
  if (missing.length > 0) throw new InputError({file, line: 1, problem: `missing feature column(s) ${missing.join(', ')}`, fix: 'the file needs the columns the model was trained on'});
  const targetColumn = target === undefined ? -1 : header.indexOf(target);
  const features = columns.length;
  const values = new Float64Array(records.length * features);
  const targets = targetColumn < 0 ? undefined : new Array<string>(records.length);
  records.forEach(({line, cells}, row) => {
    if (cells.length !== header.length) {
      throw new InputError({file, line, problem: `${cells.length} cells where the header has ${header.length}`, fix: 'every row needs one cell per column'});
    }
    for (let f = 0; f < features; f++) {
      const column = columns[f];
      values[row * features + f] = parseNumber(cells[column], {file, line, column: column + 1, field: header[column]});
    }
    if (targets) {
      const label = cells[targetColumn].trim();
      if (label === '') throw new InputError({file, line, column: targetColumn + 1, field: target, problem: 'empty class label', fix: 'every row needs a class'});
      targets[row] = label;
    }
  });
  return {values, targets};
}

function parseNumber(cell: string, at: {file: string; line: number; column: number; field: string}): number {
  const text = cell.trim();
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) {
    const problem = text === '' ? 'empty cell' : `'${text}' is not a number`;
    throw new InputError({...at, problem, fix: 'feature columns must hold finite numbers'});
  }
  return value;
}

/** Numbers in numeric order, otherwise text order, as scikit-learn's np.unique would give. */
function sortLabels(labels: string[]): string[] {
  const numeric = labels.every((label) => Number.isFinite(Number(label)));
  return numeric ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort();
}

/** Rows to predict for a model: its feature columns by name, and its target's labels when present (-1 for a class it never saw). */
export function loadCsvForModel(file: string, model: {featureNames: string[]; target: string; classes: string[]}): {rows: number; values: Float64Array; labels: Int32Array | undefined} {
  const table = parseCsv(readDataFile(file), file);
  const {values, targets} = readColumns(table, model.featureNames, model.target, file);
  const index = new Map(model.classes.map((name, i) => [name, i]));
  return {rows: table.records.length, values, labels: targets && Int32Array.from(targets, (label) => index.get(label) ?? -1)};
}
