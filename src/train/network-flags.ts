import {
  BATCH_WHY,
  EPOCHS_WHY,
  inRange,
  NETWORK_BOUNDS,
  NETWORK_RANGES,
  type NumberRange,
  rangeText,
  UNITS_WHY,
} from '../config/network-settings.js';
import type {WorkloadName} from '../config/workload-names.js';
import {InputError} from '../errors.js';
import {
  type Activation,
  DEFAULT_NETWORK,
  type NetworkSpec,
  type Optimizer,
  type Reduce,
  type Split,
} from '../network/spec.js';

/** train's network flags as typed (numbers as text: a rate is a decimal, and the message quotes what was given). */
export interface NetworkFlags {
  layers?: string;
  activation?: Activation;
  epochs?: number;
  batchSize?: number;
  learningRate?: string;
  optimizer?: Optimizer;
  momentum?: string;
  alpha?: string;
  split?: Split;
  reduce?: Reduce;
}

/** Each workload's own flags: given for the other, they would be silently ignored. */
export const FOREST_FLAGS = [
  'trees',
  'max-depth',
  'max-features',
  'criterion',
  'min-samples-split',
  'min-samples-leaf',
  'trainer',
] as const;
export const NETWORK_FLAGS = [
  'layers',
  'activation',
  'epochs',
  'batch-size',
  'learning-rate',
  'optimizer',
  'momentum',
  'alpha',
  'split',
  'reduce',
] as const;

/** Refuses the first flag of the other workload among those given on the command line. */
export function checkWorkloadFlags(workload: WorkloadName, given: readonly string[]): void {
  const foreign: readonly string[] = workload === 'network' ? FOREST_FLAGS : NETWORK_FLAGS;
  const flag = given.find((name) => foreign.includes(name));
  if (flag === undefined) return;
  throw workload === 'network'
    ? new InputError({
        file: `--${flag}`,
        problem: `a forest's setting, and --workload network trains a network`,
        fix: `leave --${flag} out, or train a forest with --workload forest`,
      })
    : new InputError({
        file: `--${flag}`,
        problem: `a network's setting, and this trains a forest`,
        fix: `add --workload network, or leave --${flag} out`,
      });
}

/** The network the flags describe, every value checked against the bounds an experiment's `network:` has. */
export function networkOf(flags: NetworkFlags, seed: number): NetworkSpec {
  return {
    ...DEFAULT_NETWORK,
    layers: flags.layers === undefined ? DEFAULT_NETWORK.layers : parseLayers(flags.layers),
    activation: flags.activation ?? DEFAULT_NETWORK.activation,
    epochs: bounded('--epochs', flags.epochs, NETWORK_BOUNDS.epochs, EPOCHS_WHY) ?? DEFAULT_NETWORK.epochs,
    batchSize:
      bounded('--batch-size', flags.batchSize, NETWORK_BOUNDS.batchSize, BATCH_WHY) ?? DEFAULT_NETWORK.batchSize,
    learningRate:
      numberOf('--learning-rate', flags.learningRate, NETWORK_RANGES.learningRate, 'e.g. 0.001') ??
      DEFAULT_NETWORK.learningRate,
    optimizer: flags.optimizer ?? DEFAULT_NETWORK.optimizer,
    momentum: numberOf('--momentum', flags.momentum, NETWORK_RANGES.momentum, 'e.g. 0.9') ?? DEFAULT_NETWORK.momentum,
    alpha: numberOf('--alpha', flags.alpha, NETWORK_RANGES.alpha, 'e.g. 0.0001') ?? DEFAULT_NETWORK.alpha,
    seed,
    split: flags.split ?? DEFAULT_NETWORK.split,
    reduce: flags.reduce ?? DEFAULT_NETWORK.reduce,
  };
}

/** `--layers 256,128`: the hidden layers' sizes, input side first. */
export function parseLayers(text: string): number[] {
  const {layers: most, units} = NETWORK_BOUNDS;
  const sizes = text.split(',').map((part) => part.trim());
  const fix = `hidden layer sizes, comma-separated, each a whole number from 1 to ${units}: e.g. 256,128`;
  const bad = sizes.find((size) => !/^\d+$/.test(size));
  if (bad !== undefined)
    throw new InputError({
      file: '--layers',
      problem: bad === '' ? `'${text}' has an empty layer size` : `'${bad}' is not a whole number of units`,
      fix,
    });
  if (sizes.length > most)
    throw new InputError({
      file: '--layers',
      problem: `${sizes.length} layers, more than ${most}`,
      fix: `use at most ${most}`,
    });
  return sizes.map((size, i) => {
    const count = Number(size);
    if (count < 1) throw new InputError({file: '--layers', problem: `layer ${i + 1} has ${size} units`, fix});
    if (count > units)
      throw new InputError({
        file: '--layers',
        problem: `layer ${i + 1} has ${size} units, more than ${units}`,
        fix: UNITS_WHY,
      });
    return count;
  });
}

function bounded(flag: string, value: number | undefined, max: number, why: string): number | undefined {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1 && value <= max))
    throw new InputError({file: flag, problem: `must be a whole number from 1 to ${max}, got ${value}`, fix: why});
  return value;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function numberOf(flag: string, text: string | undefined, range: NumberRange, example: string): number | undefined {
  if (text === undefined) return undefined;
  // Decimal only, as the CSV reader takes numbers: 0x1 is not a rate.
  const value = DECIMAL.test(text.trim()) ? Number(text) : NaN;
  if (!inRange(value, range))
    throw new InputError({file: flag, problem: `must be ${rangeText(range)}, got '${text}'`, fix: example});
  return value;
}
