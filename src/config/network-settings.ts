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
/** Bounds that keep a network in memory and a run finite: 16 layers of 8,192 units is 1 GiB of weights. */
const MAX_LAYERS = 16;
const MAX_UNITS = 8192;
const MAX_EPOCHS = 100_000;
const MAX_BATCH = 1_000_000;

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
    epochs: or(
      'epochs',
      (v) => read.boundedInteger(at('epochs'), v, MAX_EPOCHS, 'passes over the training rows'),
      DEFAULT_NETWORK.epochs,
    ),
    batchSize: or(
      'batchSize',
      (v) => read.boundedInteger(at('batchSize'), v, MAX_BATCH, "rows of one step's batch, divided among the hosts"),
      DEFAULT_NETWORK.batchSize,
    ),
    learningRate: or('learningRate', (v) => readNumber(read, at('learningRate'), v, 0, 10, false), 0.001),
    optimizer: or('optimizer', (v) => read.oneOf(at('optimizer'), v, OPTIMIZERS, 'optimizer'), 'adam'),
    momentum: or('momentum', (v) => readNumber(read, at('momentum'), v, 0, 1, true), DEFAULT_NETWORK.momentum),
    alpha: or('alpha', (v) => readNumber(read, at('alpha'), v, 0, 10, true), DEFAULT_NETWORK.alpha),
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
  return layers.map((units, i) =>
    read.boundedInteger(
      ['network', 'layers', i],
      units,
      MAX_UNITS,
      'units of a hidden layer; wider layers need more memory than a Pi has',
    ),
  );
}

/** A number in (low, high], or [low, high) when `fromLow`: a rate, a momentum, a penalty. */
function readNumber(
  read: FieldReader,
  path: string[],
  value: unknown,
  low: number,
  high: number,
  fromLow: boolean,
): number {
  const inside = typeof value === 'number' && (fromLow ? value >= low && value < high : value > low && value <= high);
  if (!inside)
    throw read.source.error(
      path,
      `must be a number ${fromLow ? `from ${low} up to ${high}` : `above ${low} up to ${high}`}, got ${describe(value)}`,
    );
  return value as number;
}
