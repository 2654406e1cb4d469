import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Criterion, ForestSpec} from '../forest/spec.js';
import type {Host} from '../config/inventory.js';
import {type CsvOptions, loadCsvDatasetCounted, loadCsvForModel} from '../data/csv.js';
import {fillMissing, fillValues, type MissingPolicy} from '../data/missing.js';
import type {Dataset} from '../data/dataset.js';
import {splitTrainTest} from '../data/split.js';
import {InputError, InterruptedError} from '../errors.js';
import {specialFileKind} from '../files/output-path.js';
import {checkNotAnInput} from '../files/same-file.js';
import {ioProblem} from '../files/write-whole.js';
import {isMaxFeatures, MAX_FEATURES_FIX, parseMaxFeatures} from '../forest/max-features.js';
import {saveModel, type SavedModel} from '../forest/model-file.js';
import type {TrainerName} from '../forest/trainer-names.js';
import {checkOutputFile} from './check-output.js';
import {csvOptionsOf} from './csv-flags.js';
import {chooseHosts} from './choose-hosts.js';
import {idColumnWarnings, unseenInSplit, unseenLabelWarning} from './data-warnings.js';
import {trainModel, type TrainOutcome} from './train-model.js';

/** `cluster train`'s options, as the user gave them. */
export interface TrainCsvRequest {
  data: string;
  target: string;
  test?: string;
  testFraction: string;
  /** As typed: a delimiter, `tab`, or undefined to detect it. */
  delimiter?: string;
  /** Comma-separated column names. */
  columns?: string;
  drop?: string;
  /** What a missing feature value does (default 'error'). */
  missing?: MissingPolicy;
  trees: number;
  maxDepth?: number;
  maxFeatures: string;
  criterion: Criterion;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  seed: number;
  trainer: TrainerName;
  cores?: number;
  inventory: string;
  hosts?: string;
  /** Hosts reached at once (--concurrency), in place of the inventory's connectConcurrency. */
  concurrency?: number;
  out: string;
  signal?: AbortSignal;
}

export interface TrainCsvResult extends TrainOutcome {
  forest: ForestSpec;
  hostsUsed: Host[];
  train: Dataset;
  testRows: number;
  /** What the user should know about the data: id-like columns, test labels never trained on. */
  warnings: string[];
}

/** Checks the options, loads and splits the CSV, trains on the chosen hosts and saves the model. */
export async function trainCsv(request: TrainCsvRequest): Promise<TrainCsvResult> {
  const forest = forestOf(request);
  const testFraction = parseTestFraction(request.testFraction);
  const {hosts, connectConcurrency} = chooseHosts({
    inventory: request.inventory,
    hosts: request.hosts,
    cores: request.cores,
  });
  checkOut(request, hosts);
  const {train, test, fill, warnings} = loadData(request, testFraction);
  const outcome = await trainModel({
    train,
    test,
    forest,
    hosts,
    concurrency: request.concurrency ?? connectConcurrency,
    signal: request.signal,
    source: {file: request.data, target: request.target},
  });
  // Interrupted after the last tree: the user asked to stop, so no model is saved.
  if (request.signal?.aborted) throw new InterruptedError(String(request.signal.reason));
  if (fill) outcome.model.fill = fill.values;
  keepModel(outcome.model, request.out);
  return {...outcome, forest, hostsUsed: hosts, train, testRows: test?.rows ?? 0, warnings};
}

function forestOf(request: TrainCsvRequest): ForestSpec {
  const maxFeatures = parseMaxFeatures(request.maxFeatures);
  if (!isMaxFeatures(maxFeatures))
    throw new InputError({file: '--max-features', problem: maxFeatures.problem, fix: MAX_FEATURES_FIX});
  return {
    trees: request.trees,
    maxFeatures,
    trainer: request.trainer,
    seed: request.seed,
    criterion: request.criterion,
    minSamplesSplit: request.minSamplesSplit,
    minSamplesLeaf: request.minSamplesLeaf,
    ...(request.maxDepth === undefined ? {} : {maxDepth: request.maxDepth}),
  };
}

function parseTestFraction(text: string): number {
  const testFraction = Number(text);
  if (!(testFraction >= 0 && testFraction < 1))
    throw new InputError({
      file: '--test-fraction',
      problem: `'${text}' is not a fraction in [0, 1)`,
      fix: 'e.g. 0.25, or 0 to test on nothing',
    });
  return testFraction;
}

/** --out must be a file we can write, and none of the files train reads. */
function checkOut(request: TrainCsvRequest, hosts: Host[]): void {
  checkOutputFile(request.out, '--out');
  checkNotAnInput({flag: '--out', path: request.out}, [
    {flag: '--data', path: request.data},
    request.test === undefined ? undefined : {flag: '--test', path: request.test},
    request.hosts && hosts[0]?.inventoryFile ? {flag: '--inventory', path: hosts[0].inventoryFile} : undefined,
  ]);
}

/** The training and test rows (a --test file, a split of --data, or none), missing values filled, and what to warn of. */
function loadData(request: TrainCsvRequest, testFraction: number) {
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
    ...idColumnWarnings(train, csv.drop),
    unseenLabelWarning(unseen, request.test ? `--data ${request.data}` : 'the training rows'),
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
    {featureNames: train.featureNames, target, classes: train.classes},
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

/**
 * Saves the trained model to `out`; when that fails after the fit (the disk filled, the folder went
 * away), the model is kept in the temporary folder and the error says where, so the training is
 * not lost.
 */
function keepModel(model: SavedModel, out: string): void {
  try {
    saveModel(model, out);
  } catch (error) {
    const problem = `cannot write the model (${ioProblem(error)})`;
    let kept: string;
    try {
      // A folder of our own (mkdtemp, 0700): a name guessed in /tmp could be another user's link.
      kept = join(mkdtempSync(join(tmpdir(), 'cluster-model-')), 'model.bin');
      saveModel(model, kept);
    } catch (again) {
      throw new InputError({
        file: out,
        problem: `${problem}, nor keep it in ${tmpdir()} (${ioProblem(again)}): the trained model is lost`,
        fix: 'make room, then train again',
      });
    }
    throw new InputError({
      file: out,
      problem: `${problem}; the trained model was kept in ${kept}`,
      fix: whereToMove(kept, out),
    });
  }
}

/** How to put the kept model in place: never a `mv` onto a device or a pipe, which would replace it. */
function whereToMove(kept: string, out: string): string {
  const special = specialFileKind(out);
  if (special)
    return `${out} is ${special}, not a file to move it onto: use the kept model as it is, or move it to a file of your choosing, and give train another --out next time`;
  return `make room, then move it: mv ${kept} ${out}`;
}
