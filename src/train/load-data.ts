import {type CsvOptions, loadCsvDatasetCounted, loadCsvForModel} from '../data/csv.js';
import type {Dataset} from '../data/dataset.js';
import {fillMissing, fillValues, type MissingPolicy} from '../data/missing.js';
import {splitTrainTest} from '../data/split.js';
import {InputError} from '../errors.js';
import {csvOptionsOf} from './csv-flags.js';
import {categoriesNote, idColumnWarnings, type Learner, unseenInSplit, unseenLabelWarning} from './data-warnings.js';

/** What train reads: the CSV flags, the test rows' source, the seed of the split. */
export interface DataRequest {
  data: string;
  target: string;
  test?: string;
  delimiter?: string;
  columns?: string;
  drop?: string;
  missing?: MissingPolicy;
  seed: number;
}

/** The training and test rows (a --test file, a split of --data, or none), missing values filled, and what to warn of. */
export function loadData(request: DataRequest, testFraction: number, learner: Learner) {
  const missing = request.missing ?? 'error';
  const csv = csvOptionsOf(request, missing);
  const {data, dropped} = loadCsvDatasetCounted(request.data, request.target, request.data, csv);
  const {train, test, unseen, testDropped} = request.test
    ? {train: data, ...loadTest(request.test, request.target, data, csv)}
    : testFraction > 0
      ? withUnseen(splitTrainTest(data, testFraction, request.seed))
      : {train: data, test: undefined, unseen: [], testDropped: 0};
  const fill =
    missing === 'mean' || missing === 'median' ? fillFromTraining(train, test, missing, request.data) : undefined;
  const warnings = [
    droppedNote(dropped, data.rows + dropped, request.data),
    droppedNote(testDropped, (test?.rows ?? 0) + testDropped, request.test ?? ''),
    fill?.note,
    categoriesNote(data),
    ...idColumnWarnings(train, csv.drop, learner),
    unseenLabelWarning(unseen, request.test ? `--data ${request.data}` : 'the training rows', learner),
  ].filter((w) => w !== undefined);
  return {train, test, fill, warnings};
}

function withUnseen(split: {train: Dataset; test: Dataset}) {
  return {...split, unseen: unseenInSplit(split.train, split.test), testDropped: 0};
}

function droppedNote(dropped: number, of: number, file: string): string | undefined {
  if (dropped === 0) return undefined;
  return `left out ${dropped} of the ${of} rows of ${file} for a missing feature value (--missing drop)`;
}

/** The training rows' mean or median of each feature fills the missing values of both sets; the model keeps them for predict. */
function fillFromTraining(
  train: Dataset,
  test: {values: Float64Array} | undefined,
  policy: 'mean' | 'median',
  file: string,
): {values: number[]; note: string | undefined} {
  const values = fillValues(train, policy);
  const empty = train.featureNames.find((_, f) => Number.isNaN(values[f]));
  if (empty !== undefined)
    throw new InputError({
      file,
      field: empty,
      problem: `column '${empty}' has no value in the training rows to take the ${policy} of`,
      fix: `leave it out: --drop ${empty}`,
    });
  const filled =
    fillMissing(train.values, train.features, values) + (test ? fillMissing(test.values, train.features, values) : 0);
  return {
    values,
    note:
      filled === 0
        ? undefined
        : `filled ${filled} missing value${filled === 1 ? '' : 's'} with the training rows' ${policy} of ${filled === 1 ? 'its' : 'their'} column (--missing ${policy}); the model keeps these values, and predict fills the same`,
  };
}

function loadTest(file: string, target: string, train: Dataset, csv: CsvOptions) {
  const test = loadCsvForModel(
    file,
    {featureNames: train.featureNames, target, classes: train.classes, categories: train.categories},
    {blankLabels: false, delimiter: csv.delimiter, missing: csv.missing},
  );
  if (!test.labels)
    throw new InputError({
      file,
      line: 1,
      field: target,
      problem: `no column named '${target}'`,
      fix: 'the test file needs the target column to measure accuracy',
    });
  return {
    test: {rows: test.rows, values: test.values, labels: test.labels},
    unseen: test.unseen,
    testDropped: test.dropped,
  };
}
