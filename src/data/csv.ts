import {readFileSync} from 'node:fs';
import {InputError} from '../errors.js';
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
  return {header: first.cells.map((name) => name.trim()), records};
}

/** Reads a CSV data set: numeric feature columns and one target column of class labels. */
export function loadCsvDataset(file: string, target: string, shownAs = file): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({file: shownAs, problem: code === 'ENOENT' ? 'data file not found' : `cannot read data file (${code})`, fix: 'check the path'});
  }
  return csvToDataset(parseCsv(text, shownAs), target, shownAs);
}

export function csvToDataset(table: CsvTable, target: string, file: string): Dataset {
  const {header, records} = table;
  const targetColumn = header.indexOf(target);
  if (targetColumn < 0) {
    throw new InputError({file, line: 1, field: target, problem: `no column named '${target}' (columns: ${header.join(', ')})`, fix: 'set the target to one of the header names'});
  }
  if (records.length === 0) throw new InputError({file, problem: 'no data rows', fix: 'add rows below the header'});
  const features = header.length - 1;
  if (features < 1) throw new InputError({file, line: 1, problem: 'no feature columns besides the target', fix: 'add at least one numeric column'});

  const values = new Float64Array(records.length * features);
  const rawLabels: string[] = [];
  records.forEach(({line, cells}, row) => {
    if (cells.length !== header.length) {
      throw new InputError({file, line, problem: `${cells.length} cells where the header has ${header.length}`, fix: 'every row needs one cell per column'});
    }
    let f = 0;
    cells.forEach((cell, column) => {
      if (column === targetColumn) {
        if (cell.trim() === '') throw new InputError({file, line, column: column + 1, field: target, problem: 'empty class label', fix: 'every row needs a class'});
        rawLabels.push(cell.trim());
        return;
      }
      values[row * features + f++] = parseNumber(cell, {file, line, column: column + 1, field: header[column]});
    });
  });

  const classes = sortLabels([...new Set(rawLabels)]);
  const index = new Map(classes.map((name, i) => [name, i]));
  const labels = Int32Array.from(rawLabels, (label) => index.get(label)!);
  return {rows: records.length, features, values, labels, classes, featureNames: header.filter((_, i) => i !== targetColumn)};
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
