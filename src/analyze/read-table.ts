import {parseCsv} from '../data/csv.js';
import {readDecimal} from '../data/decimal.js';
import {InputError, type InputProblem} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {userFileError} from '../files/user-file.js';
import {LIMITS} from '../limits.js';
import {
  implausibleSeconds,
  SECONDS_RANGE_FIX,
  type Observation,
  type ObservedTable,
} from '../results/capacity/observation.js';
import {readHardware} from '../results/capacity/read-hardware.js';
import {readBenchJson} from './read-json.js';

const COLUMNS_FIX =
  "a results CSV needs a hardware column such as '4 x Raspberry Pi, 1 x Desktop' and a measured_s column of seconds";

/** Reads a results CSV (any with `hardware` and `measured_s` columns) or the JSON `cluster bench` writes. */
export function readObservedTable(file: string): ObservedTable {
  let text: string;
  try {
    text = readTextFile(file, {
      limit: LIMITS.csvBytes,
      what: 'a results file',
      tooLargeFix: 'pass a results CSV or JSON written by cluster bench',
    });
  } catch (error) {
    throw userFileError(error, file, 'results file', 'pass a results CSV or JSON written by cluster bench');
  }
  return file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{')
    ? readBenchJson(text, file)
    : readResultsCsv(text, file);
}

export function readResultsCsv(text: string, file: string): ObservedTable {
  const {header, records} = parseCsv(text, file);
  const names = header.map((name) => name.toLowerCase());
  const column = (name: string, required: boolean) => {
    const index = names.indexOf(name);
    if (index < 0 && required)
      throw new InputError({
        file,
        line: 1,
        field: name,
        problem: `no column named '${name}' (columns: ${header.join(', ')})`,
        fix: COLUMNS_FIX,
      });
    return index;
  };
  const hardware = column('hardware', true);
  const measured = column('measured_s', true);
  const [cores, min, max] = ['cores', 'min_s', 'max_s'].map((name) => column(name, false));
  const rows: Observation[] = [];
  const skipped: string[] = [];
  for (const {line, cells} of records) {
    if (cells.length !== header.length)
      throw new InputError({
        file,
        line,
        problem: `${cells.length} cells where the header has ${header.length}`,
        fix: 'every row needs one cell per column',
      });
    const at = (index: number) => ({file, line, column: index + 1, field: header[index]});
    const counts = readHardware(cells[hardware], at(hardware));
    const seconds = readSeconds(cells[measured], at(measured), 'write the measured time in seconds, e.g. 901');
    if (seconds === null) {
      skipped.push(`line ${line} (${cells[hardware].trim()}): no measured time`);
      continue;
    }
    const optional = (index: number, read: typeof readNumber, fix: string) =>
      index < 0 ? null : read(cells[index], at(index), fix);
    rows.push({
      hardware: cells[hardware].trim(),
      counts,
      measured_s: seconds,
      cores: optional(cores, readNumber, "cores is the combination's total, a whole number"),
      min_s: optional(min, readSeconds, 'the fastest run in seconds, or empty'),
      max_s: optional(max, readSeconds, 'the slowest run in seconds, or empty'),
      runs: [],
    });
  }
  return {file, rows, baseline: 0, skipped};
}

/** A positive number, or null for an empty cell. */
function readNumber(cell: string, at: Omit<InputProblem, 'problem'>, fix: string): number | null {
  const text = cell.trim();
  if (text === '') return null;
  const value = readDecimal(text);
  if (value === undefined || value <= 0)
    throw new InputError({
      ...at,
      problem: value !== undefined ? `${text} is not above 0` : `'${text}' is not a number`,
      fix,
    });
  return value;
}

/** A time the model can fit, or null for an empty cell; `fix` is for a cell that is no number at all. */
function readSeconds(cell: string, at: Omit<InputProblem, 'problem'>, fix: string): number | null {
  const value = readNumber(cell, at, fix);
  const problem = value === null ? null : implausibleSeconds(value, cell.trim());
  if (problem) throw new InputError({...at, problem, fix: SECONDS_RANGE_FIX});
  return value;
}
