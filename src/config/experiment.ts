import {basename, extname} from 'node:path';
import {type Delimiter, DELIMITER_CHOICES, parseDelimiter} from '../data/delimiter.js';
import {MISSING_POLICIES} from '../data/missing.js';
import {ENGINE_NAMES, type EngineName} from './engine-names.js';
import {WORKLOAD_NAMES, type WorkloadName} from './workload-names.js';
import {readNetwork} from './network-settings.js';
import type {NetworkSpec} from '../network/spec.js';
import {parseSchedulerAddress, SCHEDULER_FIX} from './scheduler-address.js';
import {isMaxFeatures, MAX_FEATURES_FIX, type MaxFeatures, parseMaxFeatures} from '../forest/max-features.js';
import {TRAINER_NAMES} from '../forest/trainer-names.js';
import {formatBytes, LIMITS} from '../limits.js';
import {SCHEDULE_NAMES, type ScheduleName} from '../schedule/schedule.js';
import {describe, FieldReader} from './fields.js';
import type {Inventory} from './inventory.js';
import {resolveExperimentFile, shippedExperiments} from './shipped.js';
import {YamlSource} from './yaml-source.js';
import type {DatasetSpec} from '../data/spec.js';
import type {ForestSpec} from '../forest/spec.js';

/** interleaved: after each combination's warm-up, measured runs go round-robin across combinations. */
export const RUN_ORDERS = ['interleaved', 'sequential'] as const;
export type RunOrder = (typeof RUN_ORDERS)[number];

export interface Experiment {
  file: string;
  name: string;
  /** What the sweep trains: a forest (the default). */
  workload: WorkloadName;
  dataset: DatasetSpec;
  testFraction: number;
  /** The forest's settings; a network's experiment may leave them out (then the defaults, unused). */
  forest: ForestSpec;
  /** The network's settings, for workload: network. */
  network?: NetworkSpec;
  /** Each an ordered list of host names: the rows of the table (empty: one host, two, ... all, from the inventory). */
  combinations: string[][];
  /** Index into combinations of the one the ideal is computed from. */
  baseline: number;
  runs: number;
  warmup: number;
  schedule: ScheduleName;
  order: RunOrder;
  /** What trains the forest: the native engine, or scikit-learn through Dask. */
  engine: EngineName;
  /** An existing Dask cluster's scheduler, for the dask engine. */
  scheduler?: string;
  /** A host silent for this long is lost. */
  heartbeatTimeoutMs: number;
  source: YamlSource;
}

// `lab` is read by cluster lab up; an experiment under experiments/lab/ carries its lab beside it.
const TOP_FIELDS = [
  'name',
  'workload',
  'dataset',
  'testFraction',
  'forest',
  'network',
  'combinations',
  'baseline',
  'runs',
  'warmup',
  'order',
  'schedule',
  'engine',
  'scheduler',
  'heartbeatTimeout',
  'lab',
] as const;
const SYNTHETIC_FIELDS = ['kind', 'samples', 'features', 'informative', 'classes', 'seed'] as const;
const CSV_FIELDS = ['kind', 'path', 'target', 'delimiter', 'columns', 'drop', 'missing'] as const;
const FOREST_FIELDS = [
  'trees',
  'maxDepth',
  'maxFeatures',
  'trainer',
  'seed',
  'criterion',
  'minSamplesSplit',
  'minSamplesLeaf',
] as const;

/** `file` is a path, or the name of an experiment in ./experiments or among the shipped ones. */
export function loadExperiment(file: string): Experiment {
  const shipped = [...shippedExperiments()].map(([name, path]) => `${name} (${path})`).join(', ');
  return parseExperiment(
    YamlSource.read(
      resolveExperimentFile(file),
      'experiment file',
      `run: cluster init (writes experiments/local.yaml for this machine), or pass --experiment FILE or the name of a shipped one: ${shipped}`,
    ),
  );
}

export function parseExperiment(source: YamlSource): Experiment {
  const read = new FieldReader(source);
  const top = read.object([], source.data, 'an experiment');
  read.knownKeys([], top, TOP_FIELDS);
  const name = top.name === undefined ? basename(source.file, extname(source.file)) : read.string(['name'], top.name);
  const workload =
    top.workload === undefined ? 'forest' : read.oneOf(['workload'], top.workload, WORKLOAD_NAMES, 'workload');
  // Without combinations, the sweep adds the inventory's hosts one at a time (see combinationsFor).
  const combinations = top.combinations === undefined ? [] : readCombinations(read, top.combinations);
  return {
    file: source.file,
    name,
    dataset: readDataset(read, top.dataset),
    testFraction: top.testFraction === undefined ? 0.25 : readFraction(read, ['testFraction'], top.testFraction, false),
    forest: readForest(read, top.forest === undefined && workload === 'network' ? {trees: 100} : top.forest),
    ...readNetworkFor(read, workload, top.network),
    combinations,
    baseline: top.baseline === undefined ? 0 : findBaseline(read, top.baseline, combinations),
    runs:
      top.runs === undefined
        ? 3
        : read.boundedInteger(
            ['runs'],
            top.runs,
            LIMITS.runs,
            'each run is kept in the journal and the results; the median settles long before',
          ),
    warmup:
      top.warmup === undefined
        ? 1
        : top.warmup === 0
          ? 0
          : read.boundedInteger(
              ['warmup'],
              top.warmup,
              LIMITS.runs,
              'untimed runs before the timed ones; a few are enough',
              'use 0 for none',
            ),
    workload,
    schedule:
      top.schedule === undefined ? 'dynamic' : read.oneOf(['schedule'], top.schedule, SCHEDULE_NAMES, 'schedule'),
    order: top.order === undefined ? 'interleaved' : read.oneOf(['order'], top.order, RUN_ORDERS, 'order'),
    engine: readEngine(read, top),
    ...(top.scheduler === undefined ? {} : {scheduler: readScheduler(read, top.scheduler)}),
    heartbeatTimeoutMs:
      top.heartbeatTimeout === undefined
        ? 10_000
        : 1000 *
          read.boundedInteger(
            ['heartbeatTimeout'],
            top.heartbeatTimeout,
            LIMITS.timeoutSeconds,
            'seconds a host may stay silent before it is taken as lost; an hour is as good as no timeout',
          ),
    source,
  };
}

/** An existing Dask cluster means the dask engine, unless the experiment says otherwise. */
function readEngine(read: FieldReader, top: {engine?: unknown; scheduler?: unknown}): EngineName {
  if (top.engine !== undefined) return read.oneOf(['engine'], top.engine, ENGINE_NAMES, 'engine');
  return top.scheduler === undefined ? 'native' : 'dask';
}

function readScheduler(read: FieldReader, value: unknown): string {
  const address = parseSchedulerAddress(value);
  if (!address)
    throw read.source.error(['scheduler'], `${describe(value)} is not a Dask scheduler address`, SCHEDULER_FIX);
  return address;
}

function readDataset(read: FieldReader, value: unknown): DatasetSpec {
  const spec = read.object(['dataset'], value, 'a dataset');
  const kind = read.oneOf(['dataset', 'kind'], spec.kind, ['synthetic', 'csv'] as const, 'dataset kind');
  if (kind === 'csv') {
    read.knownKeys(['dataset'], spec, CSV_FIELDS);
    return {
      kind,
      path: read.string(['dataset', 'path'], spec.path),
      target: read.string(['dataset', 'target'], spec.target, 'name the column that holds the class'),
      ...(spec.delimiter === undefined ? {} : {delimiter: readDelimiter(read, spec.delimiter)}),
      ...(spec.columns === undefined ? {} : {columns: readNames(read, 'columns', spec.columns)}),
      ...(spec.drop === undefined ? {} : {drop: readNames(read, 'drop', spec.drop)}),
      ...(spec.missing === undefined
        ? {}
        : {missing: read.oneOf(['dataset', 'missing'], spec.missing, MISSING_POLICIES, 'missing policy')}),
    };
  }
  read.knownKeys(['dataset'], spec, SYNTHETIC_FIELDS);
  const features = read.positiveInteger(['dataset', 'features'], spec.features ?? 20);
  if (features > LIMITS.features)
    throw read.source.error(
      ['dataset', 'features'],
      `${features} features are more than the ${LIMITS.features} a data set may have`,
      'each feature is binned and held apart in every slot; use fewer',
    );
  const informative = read.positiveInteger(['dataset', 'informative'], spec.informative ?? Math.min(features, 10));
  if (informative > features) {
    throw read.source.error(
      ['dataset', 'informative'],
      `informative (${informative}) exceeds features (${features})`,
      'informative features are a subset of the features',
    );
  }
  const classes = read.positiveInteger(['dataset', 'classes'], spec.classes ?? 2);
  if (classes < 2)
    throw read.source.error(['dataset', 'classes'], 'a classifier needs at least 2 classes', 'set classes: 2 or more');
  const samples = read.positiveInteger(['dataset', 'samples'], spec.samples);
  if (samples < 4 * classes)
    throw read.source.error(
      ['dataset', 'samples'],
      `${samples} samples are too few for ${classes} classes`,
      `use at least ${4 * classes}`,
    );
  const bytes = samples * features * 8;
  if (bytes > LIMITS.datasetBytes) {
    const field = features > samples ? 'features' : 'samples';
    throw read.source.error(
      ['dataset', field],
      `${samples} samples x ${features} features are ${formatBytes(bytes)} of values, over the ${formatBytes(LIMITS.datasetBytes)} a data set may hold`,
      `use fewer ${field}; the limit is an eighth of this machine's memory, at most 512 MiB`,
    );
  }
  return {kind, samples, features, informative, classes, seed: read.seed(['dataset', 'seed'], spec.seed ?? 0)};
}

function readDelimiter(read: FieldReader, value: unknown): Delimiter {
  const delimiter = typeof value === 'string' ? parseDelimiter(value) : undefined;
  if (!delimiter)
    throw read.source.error(
      ['dataset', 'delimiter'],
      `${describe(value)} is not a delimiter this reader knows`,
      `use ${DELIMITER_CHOICES} (quoted: delimiter: ';'), or leave it out to detect it`,
    );
  return delimiter;
}

function readNames(read: FieldReader, field: 'columns' | 'drop', value: unknown): string[] {
  const names = read
    .array(['dataset', field], value, 'a list of column names')
    .map((name, i) => read.string(['dataset', field, i], name));
  if (names.length === 0)
    throw read.source.error(['dataset', field], 'an empty list', `name at least one column, or leave ${field}: out`);
  return names;
}

// As `train --min-samples-split` and scikit-learn (which the dask engine runs) require.
const MIN_SAMPLES_SPLIT_WHY =
  'a node of one row cannot be split: write 2 or more, as train --min-samples-split and scikit-learn require, or leave it out for 2';

/** network: is read for a network's experiment, and refused in a forest's, where it would be ignored. */
function readNetworkFor(read: FieldReader, workload: WorkloadName, value: unknown): {network?: NetworkSpec} {
  if (workload === 'network') return {network: readNetwork(read, value)};
  if (value !== undefined)
    throw read.source.error(
      ['network'],
      'network settings in a forest experiment',
      'add workload: network, or remove network:',
      'key',
    );
  return {};
}

function readForest(read: FieldReader, value: unknown): ForestSpec {
  const spec = read.object(['forest'], value, 'forest settings');
  read.knownKeys(['forest'], spec, FOREST_FIELDS);
  const forest: ForestSpec = {
    trees: read.boundedInteger(
      ['forest', 'trees'],
      spec.trees,
      LIMITS.trees,
      'every tree is held in memory; a forest stops gaining accuracy long before',
    ),
    maxFeatures: spec.maxFeatures === undefined ? 'sqrt' : readMaxFeatures(read, spec.maxFeatures),
    trainer:
      spec.trainer === undefined ? 'native' : read.oneOf(['forest', 'trainer'], spec.trainer, TRAINER_NAMES, 'trainer'),
    seed: spec.seed === undefined ? 0 : read.seed(['forest', 'seed'], spec.seed),
    criterion:
      spec.criterion === undefined
        ? 'gini'
        : read.oneOf(['forest', 'criterion'], spec.criterion, ['gini', 'entropy'] as const, 'criterion'),
    minSamplesSplit:
      spec.minSamplesSplit === undefined
        ? 2
        : read.integerAtLeast(['forest', 'minSamplesSplit'], spec.minSamplesSplit, 2, MIN_SAMPLES_SPLIT_WHY),
    minSamplesLeaf:
      spec.minSamplesLeaf === undefined ? 1 : read.positiveInteger(['forest', 'minSamplesLeaf'], spec.minSamplesLeaf),
  };
  if (spec.maxDepth !== undefined) forest.maxDepth = read.positiveInteger(['forest', 'maxDepth'], spec.maxDepth);
  return forest;
}

/** Read from the scalar's text, since YAML gives 1.0 to JavaScript as the number 1. */
function readMaxFeatures(read: FieldReader, value: unknown): MaxFeatures {
  const path = ['forest', 'maxFeatures'];
  const text = typeof value === 'string' || typeof value === 'number' ? read.source.scalarText(path) : undefined;
  const parsed =
    text === undefined ? {problem: `expected sqrt, log2 or a number, got ${describe(value)}`} : parseMaxFeatures(text);
  if (!isMaxFeatures(parsed)) throw read.source.error(path, parsed.problem, MAX_FEATURES_FIX);
  return parsed;
}

function readFraction(read: FieldReader, path: string[], value: unknown, closed: boolean): number {
  if (typeof value !== 'number' || !(value > 0) || !(closed ? value <= 1 : value < 1)) {
    throw read.source.error(path, `must be a fraction between 0 and 1, got ${describe(value)}`);
  }
  return value;
}

function readCombinations(read: FieldReader, value: unknown): string[][] {
  const list = read.array(['combinations'], value, 'combinations');
  if (list.length === 0)
    throw read.source.error(['combinations'], 'no combinations', 'list at least one, e.g. - [local-a]');
  return list.map((combination, i) => {
    const hosts = read
      .array(['combinations', i], combination, 'a list of host names')
      .map((host, j) => read.string(['combinations', i, j], host));
    if (hosts.length === 0) throw read.source.error(['combinations', i], 'empty combination', 'name at least one host');
    const repeated = hosts.find((host, j) => hosts.indexOf(host) !== j);
    if (repeated)
      throw read.source.error(
        ['combinations', i],
        `host '${repeated}' appears twice`,
        'a host contributes all its cores once; list it once',
      );
    return hosts;
  });
}

function findBaseline(read: FieldReader, value: unknown, combinations: string[][]): number {
  const hosts = read
    .array(['baseline'], value, 'a list of host names')
    .map((host, j) => read.string(['baseline', j], host));
  const index = combinations.findIndex((c) => c.length === hosts.length && c.every((host, j) => host === hosts[j]));
  if (index < 0) {
    throw read.source.error(
      ['baseline'],
      `baseline [${hosts.join(', ')}] is not among the combinations`,
      'copy one of the combinations, or remove baseline: to use the first',
    );
  }
  return index;
}

/** Cross-file check: every host a combination names must be in the inventory. */
export function checkHostsExist(experiment: Experiment, inventory: Inventory): void {
  if (experiment.combinations.length === 0)
    throw experiment.source.error(['combinations'], 'no combinations', 'list at least one, e.g. - [local-a]');
  experiment.combinations.forEach((combination, i) => {
    combination.forEach((host, j) => {
      if (!inventory.hosts.has(host)) {
        throw experiment.source.error(
          ['combinations', i, j],
          `unknown host '${host}'`,
          `hosts in ${inventory.file}: ${[...inventory.hosts.keys()].join(', ')}`,
        );
      }
    });
  });
}
