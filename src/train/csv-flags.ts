import type {CsvOptions} from '../data/csv.js';
import {DELIMITER_CHOICES, parseDelimiter} from '../data/delimiter.js';
import type {MissingPolicy} from '../data/missing.js';
import {InputError} from '../errors.js';

/** A comma-separated list of column names, as --columns and --drop take them. */
const namesOf = (list: string | undefined) =>
  list
    ?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

export function csvOptionsOf(
  request: {delimiter?: string; columns?: string; drop?: string},
  missing: MissingPolicy = 'error',
): CsvOptions {
  return {
    delimiter: delimiterOf(request.delimiter),
    columns: namesOf(request.columns),
    drop: namesOf(request.drop),
    missing: readerMissing(missing),
  };
}

/** How the reader holds a missing value under a policy: mean and median keep it (NaN) to fill once the training rows are known. */
export const readerMissing = (policy: MissingPolicy): CsvOptions['missing'] =>
  policy === 'mean' || policy === 'median' ? 'keep' : policy;

/** `--delimiter` as typed, on train and predict. */
export function delimiterOf(text: string | undefined) {
  if (text === undefined) return undefined;
  const delimiter = parseDelimiter(text);
  if (!delimiter)
    throw new InputError({
      file: '--delimiter',
      problem: `'${text}' is not a delimiter this reader knows`,
      fix: `use ${DELIMITER_CHOICES}, or leave it out to detect it`,
    });
  return delimiter;
}
