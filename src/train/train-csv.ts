import type {Criterion, ForestSpec} from '../forest/spec.js';
import type {Host} from '../config/inventory.js';
import type {WorkloadName} from '../config/workload-names.js';
import type {Dataset} from '../data/dataset.js';
import type {MissingPolicy} from '../data/missing.js';
import {InputError, InterruptedError} from '../errors.js';
import {checkNotAnInput} from '../files/same-file.js';
import {isMaxFeatures, MAX_FEATURES_FIX, parseMaxFeatures} from '../forest/max-features.js';
import {encodeModel} from '../forest/model-file.js';
import type {TrainerName} from '../forest/trainer-names.js';
import {encodeNetworkModel} from '../network/model-file.js';
import type {NetworkSpec} from '../network/spec.js';
import {checkOutputFile} from './check-output.js';
import {chooseHosts} from './choose-hosts.js';
import {keepModel} from './keep-model.js';
import {loadData} from './load-data.js';
import {startWorkers} from './with-workers.js';
import {checkWorkloadFlags, type NetworkFlags, networkOf} from './network-flags.js';
import {trainModel, type TrainOutcome} from './train-model.js';
import {type NetworkTrainOutcome, trainNetworkModel} from './train-network.js';

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
  /** What to train (default a forest). */
  workload?: WorkloadName;
  trees: number;
  maxDepth?: number;
  maxFeatures: string;
  criterion: Criterion;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  seed: number;
  trainer: TrainerName;
  /** The network's settings, for --workload network (DEFAULT_NETWORK's where missing). */
  network?: NetworkFlags;
  /** The flags given on the command line (not from their defaults): one of the other workload's is refused. */
  given?: readonly string[];
  cores?: number;
  inventory: string;
  hosts?: string;
  /** Hosts reached at once (--concurrency), in place of the inventory's connectConcurrency. */
  concurrency?: number;
  out: string;
  signal?: AbortSignal;
}

interface TrainedData {
  hostsUsed: Host[];
  train: Dataset;
  testRows: number;
  /** What the user should know about the data: id-like columns, test labels never trained on. */
  warnings: string[];
}

export type TrainCsvResult =
  | (TrainedData & TrainOutcome & {workload: 'forest'; forest: ForestSpec})
  | (TrainedData & NetworkTrainOutcome & {workload: 'network'; network: NetworkSpec});

/** Checks the options, loads and splits the CSV, trains a forest or a network on the chosen hosts and saves the model. */
export async function trainCsv(request: TrainCsvRequest): Promise<TrainCsvResult> {
  const workload = request.workload ?? 'forest';
  checkWorkloadFlags(workload, request.given ?? []);
  const settings =
    workload === 'network'
      ? ({workload: 'network', network: networkOf(request.network ?? {}, request.seed)} as const)
      : ({workload: 'forest', forest: forestOf(request)} as const);
  const testFraction = parseTestFraction(request.testFraction);
  const {hosts, connectConcurrency} = chooseHosts({
    inventory: request.inventory,
    hosts: request.hosts,
    // A network computes its gradients on one core a host.
    cores: request.cores,
  });
  checkOut(request, hosts);
  const concurrency = request.concurrency ?? connectConcurrency;
  // The workers start while the data is read: their threads and code load meanwhile, not in the fit.
  const starting = startWorkers(hosts, concurrency);
  try {
    const {train, test, fill, warnings} = loadData(request, testFraction, workload);
    const common = {train, test, hosts, concurrency, signal: request.signal, starting};
    const source = {file: request.data, target: request.target};
    const data = {hostsUsed: hosts, train, testRows: test?.rows ?? 0, warnings};
    if (settings.workload === 'network') {
      const outcome = await trainNetworkModel({...common, source, network: settings.network});
      if (fill) outcome.model.fill = fill.values;
      save(request, () => encodeNetworkModel(outcome.model));
      return {...outcome, ...data, ...settings};
    }
    const outcome = await trainModel({...common, source, forest: settings.forest});
    if (fill) outcome.model.fill = fill.values;
    save(request, () => encodeModel(outcome.model));
    return {...outcome, ...data, ...settings};
  } finally {
    // Closed by the training already, unless it ended before it used them (bad data): closing twice is harmless.
    await starting.abandon();
  }
}

function save(request: TrainCsvRequest, encode: () => Uint8Array): void {
  // Interrupted after the last step: the user asked to stop, so no model is saved.
  if (request.signal?.aborted) throw new InterruptedError(String(request.signal.reason));
  keepModel(encode(), request.out);
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
