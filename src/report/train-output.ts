import type {Confusion} from '../results/confusion.js';
import {printable} from '../text/printable.js';
import {fit} from './progress.js';

/** Features listed in the text; all of them are in --json. */
const TOP_FEATURES = 10;
/** Classes beyond this make a matrix wider than a terminal: it is then in --json only. */
const MAX_MATRIX_CLASSES = 12;
/** Class and feature names cut to this in the text, so one long name does not push the columns off. */
const NAME_WIDTH = 24;

/** The features in order of importance, for --json: every one, the largest first. */
export function rankedImportances(
  names: readonly string[],
  importances: readonly number[],
): {feature: string; importance: number}[] {
  return names
    .map((feature, at) => ({feature, importance: importances[at]}))
    .sort((a, b) => b.importance - a.importance);
}

/** The most important features, one a line, with their share of the forest's impurity decrease. */
export function importanceLines(names: readonly string[], importances: readonly number[]): string[] {
  const ranked = rankedImportances(names, importances);
  const shown = ranked.slice(0, TOP_FEATURES);
  const label = (name: string) => fit(printable(name), NAME_WIDTH);
  const width = Math.max(...shown.map(({feature}) => label(feature).length));
  const of = ranked.length > shown.length ? `top ${shown.length} of ${ranked.length}` : `${ranked.length} features`;
  return [
    `Feature importances (mean decrease in impurity, summing to 1; ${of}):`,
    ...shown.map(({feature, importance}) => `  ${label(feature).padEnd(width)}  ${importance.toFixed(4)}`),
  ];
}

/** The matrix as a table: a row per true class, a column per predicted class. */
export function confusionLines(confusion: Confusion, testRows: number): string[] {
  const {classes, counts, unseen} = confusion;
  const head = `Confusion matrix on the ${testRows} test rows (a row per true class, a column per predicted class):`;
  if (classes.length > MAX_MATRIX_CLASSES)
    return [`${head} ${classes.length} classes, too wide to show here: see --json's confusion.`];
  const names = classes.map((name) => fit(printable(name), NAME_WIDTH));
  const rows = counts.map((row, at) => [names[at], ...row.map(String)]);
  if (unseen) rows.push(['(not in training)', ...unseen.map(String)]);
  const first = Math.max(...rows.map((row) => row[0].length));
  const widths = names.map((name, at) => Math.max(name.length, ...rows.map((row) => row[at + 1].length)));
  const line = (cells: string[]) =>
    `  ${cells[0].padEnd(first)}  ${cells
      .slice(1)
      .map((cell, at) => cell.padStart(widths[at]))
      .join('  ')}`.trimEnd();
  return [head, line(['', ...names]), ...rows.map(line)];
}
