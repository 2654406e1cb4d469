import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {userFileError} from '../files/user-file.js';
import {formatBytes, LIMITS} from '../limits.js';
import {CategoryCodes} from './categories.js';
import type {Dataset} from './dataset.js';
import {readDecimal} from './decimal.js';
import {type Delimiter, delimiterArgument, likelyDelimiter, sniffDelimiter} from './delimiter.js';
import {isMissingCell} from './missing.js';

export interface CsvTable {
  header: string[];
  /** Each record with the 1-based line it starts on. */
  records: {line: number; cells: string[]}[];
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * RFC 4180 CSV, one record at a time: commas (or another delimiter), double-quoted cells with "" for a quote, LF, CRLF or
 * CR line ends; blank lines skipped. Records are handed over, not kept: a data set of short cells
 * held as string arrays took 140 bytes a cell and ran Node out of heap on a 120 MB file.
 */
export function forEachCsvRecord(
  text: string,
  file: string,
  visit: (cells: string[], line: number) => void,
  delimiter: Delimiter = ',',
): void {
  const COMMA = delimiter.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      let start = i;
      if (text.charCodeAt(i) === QUOTE) {
        // A quoted cell runs to the quote not doubled; its newlines are part of it.
        start = ++i;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0)
            throw new InputError({
              file,
              line: recordLine,
              problem: 'a quoted cell is never closed',
              fix: 'close the quote with "',
            });
          line += countLineFeeds(text, i, quote);
          if (text.charCodeAt(quote + 1) === QUOTE) {
            cell += text.slice(start, quote + 1);
            i = start = quote + 2;
            continue;
          }
          cell += text.slice(start, quote);
          i = start = quote + 1;
          break;
        }
      }
      // Unquoted text, or what follows a closing quote, up to the end of the cell.
      let code = text.charCodeAt(i);
      while (i < n && code !== COMMA && code !== LF && code !== CR) code = text.charCodeAt(++i);
      cells.push(start === i ? cell : cell + text.slice(start, i));
      if (i < n && code === COMMA) {
        i++;
        if (i < n) continue;
        cells.push('');
      }
      break;
    }
    // The record's line end: CRLF counts once.
    if (i < n) {
      if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) i++;
      i++;
      line++;
    }
    if (cells.length > 1 || cells[0] !== '') visit(cells, recordLine);
  }
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** A whole CSV held as strings: for small tables (results to analyze), not data sets. */
export function parseCsv(text: string, file: string): CsvTable {
  const records: {line: number; cells: string[]}[] = [];
  forEachCsvRecord(text, file, (cells, line) => records.push({line, cells}));
  const first = records.shift();
  if (!first) throw emptyFile(file);
  const header = first.cells.map((name) => name.trim());
  refuseDuplicateColumns(header, file, first.line);
  return {header, records};
}

/** A data file's records as strings, with the delimiter they were read with (given, or detected as the data reader detects it): predict --keep-columns writes them back. */
export function loadCsvRecords(
  file: string,
  delimiter?: Delimiter,
): {delimiter: Delimiter; header: string[]; rows: string[][]} {
  const text = readDataFile(file);
  const used = delimiter ?? sniffDelimiter(text) ?? ',';
  const rows: string[][] = [];
  forEachCsvRecord(text, file, (cells) => rows.push(cells), used);
  const header = rows.shift();
  if (!header) throw emptyFile(file);
  return {delimiter: used, header: header.map((name) => name.trim()), rows};
}

const emptyFile = (file: string) =>
  new InputError({file, problem: 'the file is empty', fix: 'a CSV data set needs a header row and data rows'});

/** Columns are read by name: a second column of the same name would never be read, or read in place of the first. */
function refuseDuplicateColumns(header: string[], file: string, line: number): void {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined)
      throw new InputError({
        file,
        line,
        column: i + 1,
        field: name,
        problem: `column '${name}' appears twice (columns ${first + 1} and ${i + 1})`,
        fix: 'rename one of them: columns are read by name',
      });
    seen.set(name, i);
  });
}

/** How a data set's CSV is read: as given by train's flags or an experiment's dataset fields. */
export interface CsvOptions {
  /** Undefined: detected from the header and the first rows. */
  delimiter?: Delimiter;
  /** The feature columns; undefined: every column but the target and those dropped. */
  columns?: readonly string[];
  drop?: readonly string[];
  /** A missing feature value: refused, its row dropped, or kept as NaN to be filled. */
  missing?: 'error' | 'drop' | 'keep';
  /** Where the user sets these, for the hints: train's flags (the default) or the experiment's fields. */
  setIn?: 'flags' | 'experiment';
}

/** Reads a CSV data set: numeric feature columns and one target column of class labels. */
export function loadCsvDataset(file: string, target: string, shownAs = file, options: CsvOptions = {}): Dataset {
  return readCsvDataset(readDataFile(file, shownAs), target, shownAs, options).data;
}

/** As loadCsvDataset, with the rows left out for a missing value (options.missing 'drop'). */
export function loadCsvDatasetCounted(
  file: string,
  target: string,
  shownAs = file,
  options: CsvOptions = {},
): {data: Dataset; dropped: number} {
  return readCsvDataset(readDataFile(file, shownAs), target, shownAs, options);
}

function readDataFile(file: string, shownAs = file): string {
  try {
    return readTextFile(file, {
      limit: LIMITS.csvBytes,
      what: 'a CSV',
      tooLargeFix: "the limit is from this machine's memory; use fewer rows or columns",
      shownAs,
    });
  } catch (error) {
    throw userFileError(error, shownAs, 'data file', 'check the path');
  }
}

/** A data set from CSV text: every column but the target is a feature. */
export function csvTextToDataset(text: string, target: string, file: string, options: CsvOptions = {}): Dataset {
  return readCsvDataset(text, target, file, options).data;
}

function readCsvDataset(
  text: string,
  target: string,
  file: string,
  options: CsvOptions,
): {data: Dataset; dropped: number} {
  const read = readCsvColumns(text, file, {...options, target, requireTarget: true, blankLabels: false});
  const {classes, classOf} = classesOf(read.labelNames);
  if (classes.length > LIMITS.classes) throw tooManyClasses(file, target, classes.length, read.rows);
  const labels = Int32Array.from(read.labelIds!, (id) => classOf[id]);
  return {
    data: {
      rows: read.rows,
      features: read.featureNames.length,
      values: read.values,
      labels,
      classes,
      featureNames: read.featureNames,
      ...(read.categories ? {categories: read.categories} : {}),
    },
    dropped: read.dropped,
  };
}

function tooManyClasses(file: string, target: string, classes: number, rows: number): InputError {
  const numeric = classes > rows / 2;
  return new InputError({
    file,
    line: 1,
    field: target,
    problem: `the target column has ${classes} classes, more than the ${LIMITS.classes} a forest may have${numeric ? ` (${rows} rows: nearly every row its own class)` : ''}`,
    fix: numeric
      ? 'this looks like a numeric column (a regression target); choose a column of class labels as the target'
      : 'each leaf of every tree keeps a probability per class; group the labels into fewer classes',
  });
}

/** Blank labels as `predict` reads them: rows to predict whose class nobody knows. */
export const UNLABELLED = -2;

export interface RowsForModel {
  rows: number;
  values: Float64Array;
  labels: Int32Array | undefined;
  /** Labels the model never saw, with their rows: they always count as wrong. */
  unseen: {label: string; rows: number}[];
  /** Rows left out for a missing value (missing 'drop'). */
  dropped: number;
}

/** Rows to predict for a model: its feature columns by name (others ignored), and its target's labels when present (-1 for a class it never saw; UNLABELLED for a blank one, where allowed). */
export function loadCsvForModel(
  file: string,
  model: {featureNames: string[]; target: string; classes: string[]; categories?: (string[] | null)[]},
  options: {blankLabels: boolean; delimiter?: Delimiter; missing?: CsvOptions['missing']},
): RowsForModel {
  const read = readCsvColumns(readDataFile(file), file, {
    target: model.target,
    columns: model.featureNames,
    fromModel: true,
    known: model.categories ?? [],
    requireTarget: false,
    blankLabels: options.blankLabels,
    delimiter: options.delimiter,
    missing: options.missing,
  });
  if (!read.labelIds)
    return {rows: read.rows, values: read.values, labels: undefined, unseen: [], dropped: read.dropped};
  const indexOf = classIndex(model.classes);
  const ofName = read.labelNames.map(indexOf);
  const labels = Int32Array.from(read.labelIds, (id) => (id < 0 ? UNLABELLED : ofName[id]));
  const unseenRows = new Map<number, number>();
  for (const id of read.labelIds) if (id >= 0 && ofName[id] < 0) unseenRows.set(id, (unseenRows.get(id) ?? 0) + 1);
  return {
    rows: read.rows,
    values: read.values,
    labels,
    unseen: [...unseenRows].map(([id, rows]) => ({label: read.labelNames[id], rows})),
    dropped: read.dropped,
  };
}

interface CsvColumns {
  rows: number;
  /** Rows left out for a missing feature value (missing: 'drop'). */
  dropped: number;
  featureNames: string[];
  values: Float64Array;
  /** Per feature, a text column's sorted categories (its values are their codes), null for a numeric one; undefined when none is text. */
  categories: (string[] | null)[] | undefined;
  /** Per row, an index into labelNames (-1: blank); undefined when the file has no target column. */
  labelIds: Int32Array | undefined;
  /** The distinct labels in the order first seen. */
  labelNames: string[];
}

/**
 * The numeric feature columns (those named, or all but the target) and the target's labels, read
 * record by record into typed arrays: about 8 bytes a cell. Every bad cell is reported with its
 * line and column.
 */
interface ColumnSelection extends CsvOptions {
  target: string;
  /** The columns are a model's features: a file lacking one needs other data, not other flags. */
  fromModel?: boolean;
  /** A model's categories per feature: its text columns' codes (a model without any: none is text). */
  known?: (string[] | null)[];
  requireTarget: boolean;
  blankLabels: boolean;
}

function readCsvColumns(text: string, file: string, select: ColumnSelection): CsvColumns {
  let table: ColumnReader | undefined;
  const delimiter = select.delimiter ?? sniffDelimiter(text) ?? ',';
  forEachCsvRecord(
    text,
    file,
    (cells, line) => {
      if (table) table.add(cells, line);
      else table = new ColumnReader(cells, line, file, {...select, delimiter});
    },
    delimiter,
  );
  if (!table) throw emptyFile(file);
  return table.finish();
}

class ColumnReader {
  private readonly header: string[];
  private readonly featureNames: string[];
  private readonly columns: number[];
  private readonly codes: CategoryCodes;
  /** Per feature, 1 once a number was read: a word after it is refused, not the start of a text column. */
  private readonly numeric: Uint8Array;
  private readonly targetColumn: number;
  private values = new Float64Array(1024);
  private labelIds: Int32Array | undefined;
  private readonly labelIndex = new Map<string, number>();
  private readonly labelNames: string[] = [];
  private rows = 0;
  private dropped = 0;
  /** Values past this many would pass the data-set bound: refused while reading, not after. */
  private readonly maxValues = Math.floor(LIMITS.datasetBytes / 8);

  constructor(
    cells: string[],
    line: number,
    private readonly file: string,
    private readonly select: ColumnSelection & {delimiter: Delimiter},
  ) {
    // Copied: a name sliced from the text would keep the whole file alive as long as the model.
    // A blank name is pandas' 'Unnamed: N' (its index written without a name), so --drop can name it.
    this.header = cells.map((name, i) => (name.trim() === '' ? `Unnamed: ${i}` : flat(name.trim())));
    refuseDuplicateColumns(this.header, file, line);
    const {target} = select;
    refuseOtherDelimiter(this.header, file, select);
    const at = new Map(this.header.map((name, i) => [name, i]));
    this.targetColumn = at.get(target) ?? -1;
    if (this.targetColumn < 0 && select.requireTarget) {
      throw new InputError({
        file,
        line: 1,
        field: target,
        problem: `no column named '${target}' (columns: ${this.header.join(', ')})`,
        fix: 'set the target to one of the header names',
      });
    }
    this.featureNames = featuresOf(this.header, file, select);
    if (this.featureNames.length < 1)
      throw new InputError({
        file,
        line: 1,
        problem: 'no feature columns besides the target',
        fix: 'add at least one numeric column',
      });
    if (this.featureNames.length > LIMITS.features)
      throw new InputError({
        file,
        line: 1,
        problem: `${this.featureNames.length} feature columns are more than the ${LIMITS.features} a data set may have`,
        fix: 'each feature is binned and held apart in every slot; use fewer columns',
      });
    this.columns = this.featureNames.map((name) => at.get(name) ?? -1);
    this.codes = new CategoryCodes(this.featureNames.length, select.known);
    this.numeric = new Uint8Array(this.featureNames.length);
    if (this.targetColumn >= 0) this.labelIds = new Int32Array(1024);
  }

  add(cells: string[], line: number): void {
    const {header, file, columns} = this;
    if (cells.length !== header.length)
      throw new InputError({
        file,
        line,
        problem: `${cells.length} cells where the header has ${header.length}`,
        fix: 'every row needs one cell per column',
      });
    const features = columns.length;
    const offset = this.rows * features;
    if (offset + features > this.maxValues) {
      throw new InputError({
        file,
        line,
        problem: `${this.rows + 1} rows x ${features} features are more values than the ${formatBytes(LIMITS.datasetBytes)} a data set may hold`,
        fix: "use fewer rows or columns; the limit is an eighth of this machine's memory, at most 512 MiB",
      });
    }
    if (offset + features > this.values.length) this.values = grown(this.values, offset + features);
    let missing = false;
    for (let f = 0; f < features; f++) {
      const column = columns[f];
      const value = this.cellValue(cells[column], line, column, f);
      missing ||= Number.isNaN(value);
      this.values[offset + f] = value;
    }
    if (missing && this.select.missing === 'drop') {
      this.dropped++;
      return;
    }
    if (this.labelIds) {
      if (this.rows === this.labelIds.length) this.labelIds = grown(this.labelIds, this.rows + 1);
      this.labelIds[this.rows] = this.labelId(cells[this.targetColumn].trim(), line);
    }
    this.rows++;
  }

  finish(): CsvColumns {
    if (this.rows === 0)
      throw new InputError({file: this.file, problem: 'no data rows', fix: 'add rows below the header'});
    const values = this.values.slice(0, this.rows * this.columns.length);
    const categories = this.codes.finish(values, this.rows, this.columns.length);
    return {
      rows: this.rows,
      dropped: this.dropped,
      featureNames: this.featureNames,
      values,
      labelIds: this.labelIds?.slice(0, this.rows),
      labelNames: this.labelNames,
      categories,
    };
  }

  /** A feature cell's number; NaN for a missing one where the policy allows it. */
  private cellValue(cell: string, line: number, column: number, feature: number): number {
    const text = cell.trim();
    const {file, select, codes} = this;
    const missing = isMissingCell(text);
    if (codes.isText(feature) && !missing) return codes.code(feature, text) ?? this.unseenCategory(text, line, column);
    const value = readDecimal(text);
    if (value !== undefined) {
      this.numeric[feature] = 1;
      return value;
    }
    if (missing && select.missing && select.missing !== 'error') return Number.NaN;
    // A column whose first value is a word is text, its values categories; a word among numbers is a typo.
    if (!missing && codes.open && !this.numeric[feature]) {
      codes.makeText(feature);
      return codes.code(feature, text)!;
    }
    const problem =
      text === '' ? 'empty cell' : missing ? `'${text}' marks a missing value` : `'${text}' is not a number`;
    throw new InputError({
      file,
      line,
      column: column + 1,
      field: this.header[column],
      problem,
      fix: missing
        ? missingFix(select)
        : codes.open
          ? 'the rows above hold numbers here: fix the cell (a column whose first value is a word is read as text, as categories)'
          : 'feature columns must hold finite numbers',
    });
  }

  private unseenCategory(text: string, line: number, column: number): never {
    const known = this.select.known?.[this.columns.indexOf(column)] ?? [];
    const shown = known.length > 8 ? `${known.slice(0, 8).join(', ')}, ...` : known.join(', ');
    throw new InputError({
      file: this.file,
      line,
      column: column + 1,
      field: this.header[column],
      problem: `'${text}' is not one of the ${known.length} categories the model was trained with (${shown})`,
      fix: 'a model can only place a category it has seen: train on rows that have it, or leave this row out',
    });
  }

  private labelId(label: string, line: number): number {
    if (label === '') {
      if (this.select.blankLabels) return -1;
      throw new InputError({
        file: this.file,
        line,
        column: this.targetColumn + 1,
        field: this.select.target,
        problem: 'empty class label',
        fix: 'every row needs a class',
      });
    }
    let id = this.labelIndex.get(label);
    if (id === undefined) {
      id = this.labelNames.length;
      const name = flat(label);
      this.labelIndex.set(name, id);
      this.labelNames.push(name);
    }
    return id;
  }
}

/** Where the user chooses how the file is read: a flag of train/predict, or a field of the experiment's dataset. */
function settingOf(select: CsvOptions, name: 'delimiter' | 'columns' | 'drop'): string {
  return select.setIn === 'experiment' ? `dataset.${name}` : `--${name}`;
}

/** A header read as one column that holds another delimiter: the file is not separated by the one used. */
function refuseOtherDelimiter(header: string[], file: string, select: ColumnSelection & {delimiter: Delimiter}): void {
  const other = likelyDelimiter(header);
  if (!other || other === select.delimiter || header[0] === select.target || select.columns?.includes(header[0]))
    return;
  const set = settingOf(select, 'delimiter');
  const how =
    select.setIn === 'experiment'
      ? `set ${set}: ${delimiterArgument(other)} in the experiment`
      : `pass ${set} ${delimiterArgument(other)}`;
  const shown = other === '\t' ? 'tab' : `'${other}'`;
  throw new InputError({
    file,
    line: 1,
    problem: `this file looks ${shown}-separated: ${how}`,
    fix: `read with '${select.delimiter === '\t' ? 'tab' : select.delimiter}', its header is one column, '${header[0]}'`,
  });
}

/** The feature columns: those chosen, or every column but the target and those dropped; names the file lacks are refused. */
function featuresOf(header: string[], file: string, select: ColumnSelection): string[] {
  const {target, columns, drop} = select;
  const listed = `columns: ${header.join(', ')}`;
  if (columns && select.fromModel) {
    const missing = columns.filter((name) => !header.includes(name));
    if (missing.length > 0)
      throw new InputError({
        file,
        line: 1,
        problem: `missing feature column(s) ${missing.join(', ')}`,
        fix: 'the file needs the columns the model was trained on',
      });
    return [...columns];
  }
  for (const [setting, names] of [
    ['columns', columns],
    ['drop', drop],
  ] as const) {
    const unknown = names?.filter((name) => !header.includes(name)) ?? [];
    if (unknown.length > 0)
      throw new InputError({
        file,
        line: 1,
        field: settingOf(select, setting),
        problem: `no column named ${unknown.map((name) => `'${name}'`).join(', ')} (${listed})`,
        fix: 'name columns of the header',
      });
  }
  if (columns?.includes(target))
    throw new InputError({
      file,
      line: 1,
      field: settingOf(select, 'columns'),
      problem: `'${target}' is the target, not a feature`,
      fix: `leave it out of ${settingOf(select, 'columns')}`,
    });
  const chosen = [...new Set(columns ?? header.filter((name) => name !== target))];
  return drop ? chosen.filter((name) => !drop.includes(name)) : chosen;
}

/** A copy of the string that holds its own characters (V8 keeps a slice of the file text alive with it). */
const flat = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

function grown<T extends Float64Array | Int32Array>(array: T, needed: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** What to do about a missing value that was refused: the choice, where the user makes it. */
function missingFix(select: ColumnSelection): string {
  if (select.fromModel && select.requireTarget === false && select.blankLabels)
    return 'the model was trained without --missing mean or median, so it has no value to fill in: fill the cell, or train with --missing mean or median';
  if (select.setIn === 'experiment')
    return 'set dataset.missing: drop, mean or median in the experiment, or fill the cell';
  return 'pass --missing drop (leave the row out), mean or median (fill it from the training rows), or fill the cell';
}

const isNumber = (label: string) => readDecimal(label) !== undefined;

/**
 * Classes from the distinct labels (in the order first seen), as scikit-learn's np.unique gives
 * them: numbers in numeric order, otherwise text order. Labels that are all numbers are classes by
 * value, so `0` and `0.0` are one class (named as first written), not two that split its rows.
 */
function classesOf(names: string[]): {classes: string[]; classOf: Int32Array} {
  const numeric = names.every(isNumber);
  const key = (name: string): string | number => (numeric ? Number(name) : name);
  const byKey = new Map<string | number, string>();
  for (const name of names) if (!byKey.has(key(name))) byKey.set(key(name), name);
  const keys = [...byKey.keys()].sort((a, b) => (numeric ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0));
  const position = new Map(keys.map((k, i) => [k, i]));
  return {classes: keys.map((k) => byKey.get(k)!), classOf: Int32Array.from(names, (name) => position.get(key(name))!)};
}

/** A label's index among a model's classes, by value when the classes are numbers (-1 for one it never saw). */
function classIndex(classes: string[]): (label: string) => number {
  const numeric = classes.every(isNumber);
  const index = new Map<string | number, number>(classes.map((name, i) => [numeric ? Number(name) : name, i]));
  return (label) => index.get(numeric && isNumber(label) ? Number(label) : label) ?? -1;
}
