/** What train does with a missing feature value: refuse it, drop its row, or fill it from the training rows. */
export const MISSING_POLICIES = ['error', 'drop', 'mean', 'median'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

// pandas' default na_values, and '?' (the UCI repository's mark for a missing value).
const MISSING_CELLS = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
  '?',
]);

/** A trimmed cell that marks a missing value. */
export const isMissingCell = (text: string): boolean => MISSING_CELLS.has(text);

/** Per feature, the mean or median of its values present in the rows (NaN for a column with none). */
export function fillValues(
  data: {rows: number; features: number; values: Float64Array},
  policy: 'mean' | 'median',
): number[] {
  const {rows, features, values} = data;
  return Array.from({length: features}, (_, f) => {
    const present: number[] = [];
    for (let row = 0; row < rows; row++) {
      const value = values[row * features + f];
      if (!Number.isNaN(value)) present.push(value);
    }
    if (present.length === 0) return Number.NaN;
    if (policy === 'mean') return present.reduce((sum, v) => sum + v, 0) / present.length;
    present.sort((a, b) => a - b);
    const middle = present.length >> 1;
    // As numpy's median: the mean of the two middle values of an even count.
    return present.length % 2 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
  });
}

/** Replaces each missing (NaN) value by its feature's fill value; returns how many were filled. */
export function fillMissing(values: Float64Array, features: number, fill: readonly number[]): number {
  let filled = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      values[i] = fill[i % features];
      filled++;
    }
  }
  return filled;
}
