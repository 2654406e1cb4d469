import type {InputError} from '../errors.js';

/** What every model file says about the data it was trained on, whatever the model: predict reads the columns by these names. */
export interface ModelColumns {
  classes: string[];
  featureNames: string[];
  target: string;
  /** Per feature, the value that fills a missing one (train --missing mean or median). */
  fill?: number[];
  /** Per feature, a text column's categories in code order, null for a numeric one (absent: every feature numeric). */
  categories?: (string[] | null)[];
}

/**
 * Refuses a header whose columns predict could not use: no or one class (predictions empty,
 * accuracy 1), a name twice (one column read for both), fill values that are not one per feature.
 */
export function checkModelColumns(header: Record<string, unknown>, refuse: (problem: string) => InputError): void {
  const {classes, featureNames, target, fill, categories} = header;
  if (!Array.isArray(classes) || !Array.isArray(featureNames) || typeof target !== 'string')
    throw refuse('the model header is damaged');
  if (classes.length < 2)
    throw refuse(`the header names ${classes.length} classes (a classifier has at least 2): it is damaged`);
  if (
    fill !== undefined &&
    !(Array.isArray(fill) && fill.length === featureNames.length && fill.every(Number.isFinite))
  )
    throw refuse("the header's fill values are not one number per feature: it is damaged");
  if (
    categories !== undefined &&
    !(
      Array.isArray(categories) &&
      categories.length === featureNames.length &&
      categories.every(
        (names) =>
          names === null ||
          (Array.isArray(names) && names.every((name, i) => typeof name === 'string' && names.indexOf(name) === i)),
      )
    )
  )
    throw refuse("the header's categories are not a list of distinct names or null per feature: it is damaged");
  for (const [what, names] of [
    ['feature', featureNames],
    ['class', classes],
  ] as const) {
    const twice = names.find((name, i) => typeof name !== 'string' || names.indexOf(name) !== i);
    if (twice !== undefined)
      throw refuse(`the header's ${what} names are not distinct strings (${JSON.stringify(twice)}): it is damaged`);
  }
}
