import {ACTIVATIONS, DEFAULT_NETWORK, type NetworkSpec, OPTIMIZERS, REDUCTIONS, SPLITS} from '../network/spec.js';
import {describe, type FieldReader} from './fields.js';

const NETWORK_FIELDS = [
  'layers',
  'activation',
  'epochs',
  'batchSize',
  'learningRate',
  'optimizer',
  'momentum',
  'alpha',
  'seed',
  'split',
  'reduce',
] as const;
/**
 * Bounds that keep a network in memory and a run finite (16 layers of 8,192 units is 1 GiB of
 * weights), and the ranges of its numbers: the experiment's `network:` and train's flags both
 * check these.
 */
export const NETWORK_BOUNDS = {layers: 16, units: 8192, epochs: 100_000, batchSize: 1_000_000} as const;
const {layers: MAX_LAYERS, units: MAX_UNITS, epochs: MAX_EPOCHS, batchSize: MAX_BATCH} = NETWORK_BOUNDS;
export const UNITS_WHY = 'units of a hidden layer; wider layers need more memory than a Pi has';
export const EPOCHS_WHY = 'passes over the training rows';
export const BATCH_WHY = "rows of one step's batch, divided among the hosts";

/** A number in (low, high], or [low, high) when `fromLow`. */
export interface NumberRange {
  low: number;
  high: number;
  fromLow: boolean;
}

export const NETWORK_RANGES = {
  learningRate: {low: 0, high: 10, fromLow: false},
  momentum: {low: 0, high: 1, fromLow: true},
  alpha: {low: 0, high: 10, fromLow: true},
} as const satisfies Record<string, NumberRange>;

export const inRange = (value: number, {low, high, fromLow}: NumberRange): boolean =>
  fromLow ? value >= low && value < high : value > low && value <= high;

/** The range as a message says it: "a number above 0 up to 10". */
export const rangeText = ({low, high, fromLow}: NumberRange): string =>
  `a number ${fromLow ? `from ${low} up to ${high}` : `above ${low} up to ${high}`}`;

/** The experiment's `network:` section, every field checked, scikit-learn's defaults for the rest. */
export function readNetwork(read: FieldReader, value: unknown): NetworkSpec {
  const spec = value === undefined ? {} : read.object(['network'], value, 'network settings');
  read.knownKeys(['network'], spec, NETWORK_FIELDS);
  const at = (field: string) => ['network', field];
  const or = <T>(field: string, parse: (value: unknown) => T, fallback: T): T =>
    spec[field] === undefined ? fallback : parse(spec[field]);
  return {
    layers: or('layers', (v) => readLayers(read, v), DEFAULT_NETWORK.layers),
    activation: or('activation', (v) => read.oneOf(at('activation'), v, ACTIVATIONS, 'activation'), 'relu'),
    epochs: or('epochs', (v) => read.boundedInteger(at('epochs'), v, MAX_EPOCHS, EPOCHS_WHY), DEFAULT_NETWORK.epochs),
    batchSize: or(
      'batchSize',
      (v) => read.boundedInteger(at('batchSize'), v, MAX_BATCH, BATCH_WHY),
      DEFAULT_NETWORK.batchSize,
    ),
    learningRate: or(
      'learningRate',
      (v) => readNumber(read, at('learningRate'), v, NETWORK_RANGES.learningRate),
      DEFAULT_NETWORK.learningRate,
    ),
    optimizer: or('optimizer', (v) => read.oneOf(at('optimizer'), v, OPTIMIZERS, 'optimizer'), 'adam'),
    momentum: or(
      'momentum',
      (v) => readNumber(read, at('momentum'), v, NETWORK_RANGES.momentum),
      DEFAULT_NETWORK.momentum,
    ),
    alpha: or('alpha', (v) => readNumber(read, at('alpha'), v, NETWORK_RANGES.alpha), DEFAULT_NETWORK.alpha),
    seed: or('seed', (v) => read.seed(at('seed'), v), 0),
    split: or('split', (v) => read.oneOf(at('split'), v, SPLITS, 'split'), 'proportional'),
    reduce: or('reduce', (v) => read.oneOf(at('reduce'), v, REDUCTIONS, 'reduce'), 'central'),
  };
}

function readLayers(read: FieldReader, value: unknown): number[] {
  const layers = read.array(['network', 'layers'], value, 'hidden layer sizes, e.g. [256, 128]');
  if (layers.length > MAX_LAYERS)
    throw read.source.error(
      ['network', 'layers'],
      `${layers.length} layers, more than ${MAX_LAYERS}`,
      `use at most ${MAX_LAYERS}`,
    );
  return layers.map((units, i) => read.boundedInteger(['network', 'layers', i], units, MAX_UNITS, UNITS_WHY));
}

/** A rate, a momentum, a penalty: a number in its range. */
function readNumber(read: FieldReader, path: string[], value: unknown, range: NumberRange): number {
  if (!(typeof value === 'number' && inRange(value, range)))
    throw read.source.error(path, `must be ${rangeText(range)}, got ${describe(value)}`);
  return value;
}
