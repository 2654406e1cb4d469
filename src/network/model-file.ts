import {checkModelColumns, type ModelColumns} from '../data/model-columns.js';
import type {InputError} from '../errors.js';
import {type ModelEnvelope, notAModel, openModel, sealModel} from '../files/model-envelope.js';
import {Shape} from './model.js';
import {classProbabilities, predictClasses} from './predict.js';
import {ACTIVATIONS, type NetworkSpec} from './spec.js';
import {standardiseValues} from './standardise.js';
import {weightsBytes, weightsFromBytes} from './weights.js';

/** What a network's model file says about itself, ahead of its weights. */
export interface NetworkModelInfo extends ModelColumns {
  network: NetworkSpec;
  /** The training rows' mean and standard deviation of each feature: predict scales new rows by them. */
  standardisation: {mean: number[]; scale: number[]};
}

export interface SavedNetwork extends NetworkModelInfo {
  parameters: Float64Array;
}

export interface LoadedNetwork {
  info: NetworkModelInfo;
  shape: Shape;
  parameters: Float64Array;
}

/**
 * A network's file (model-envelope.ts holds the envelope): the header names the kind, the spec,
 * the layer sizes, the columns and the standardisation; the body is the parameters as little-endian
 * float64, so the same network is the same bytes on any machine.
 */
export function encodeNetworkModel(model: SavedNetwork): Buffer {
  const {parameters, ...info} = model;
  const shape = Shape.of(info.featureNames.length, info.network.layers, info.classes.length);
  if (shape.parameters !== parameters.length)
    throw new RangeError(`${parameters.length} parameters for a network of shape ${shape.sizes.join('-')}`);
  return sealModel({kind: 'network', sizes: shape.sizes, ...info}, [weightsBytes(parameters)]);
}

export function decodeNetworkModel(bytes: Buffer, file: string): LoadedNetwork {
  return decodeNetwork(openModel(bytes, file));
}

/** A network from its opened envelope, every part of the header checked against the others and against the weights. */
export function decodeNetwork(envelope: ModelEnvelope): LoadedNetwork {
  const refuse = (problem: string) => notAModel(envelope.file, problem);
  if (envelope.kind !== 'network') throw refuse(`the model file holds a ${envelope.kind}, not a network`);
  const {kind: _kind, sizes, ...info} = envelope.header as unknown as NetworkModelInfo & {kind: string; sizes: unknown};
  checkSpec(info.network, refuse);
  checkModelColumns(info as unknown as Record<string, unknown>, refuse);
  const shape = Shape.of(info.featureNames.length, info.network.layers, info.classes.length);
  if (JSON.stringify(sizes) !== JSON.stringify(shape.sizes))
    throw refuse(
      `the header's shape ${Array.isArray(sizes) ? sizes.join('-') : JSON.stringify(sizes)} is not that of its ${info.featureNames.length} features, layers and ${info.classes.length} classes (${shape.sizes.join('-')}): it is damaged`,
    );
  checkStandardisation(info, refuse);
  const needed = shape.parameters * 8;
  if (envelope.body.length < needed)
    throw refuse(
      `the model file is truncated (it holds ${envelope.body.length} bytes of weights; a network ${shape.sizes.join('-')} has ${needed})`,
    );
  if (envelope.body.length > needed)
    throw refuse(
      `the model file holds ${envelope.body.length - needed} bytes past the weights of its network ${shape.sizes.join('-')}: it is damaged`,
    );
  envelope.checkDigest();
  return {info, shape, parameters: weightsFromBytes(envelope.body)};
}

/** The spec's fields that predict uses: the hidden layers' sizes and the activation. */
function checkSpec(spec: unknown, refuse: (problem: string) => InputError): void {
  const {layers, activation} = (spec ?? {}) as Partial<NetworkSpec>;
  if (
    !Array.isArray(layers) ||
    !layers.every((units) => Number.isSafeInteger(units) && units > 0) ||
    !ACTIVATIONS.includes(activation as NetworkSpec['activation'])
  )
    throw refuse('the model header is damaged (its network settings)');
}

function checkStandardisation(info: NetworkModelInfo, refuse: (problem: string) => InputError): void {
  const {mean, scale} = info.standardisation ?? {};
  const features = info.featureNames.length;
  const perFeature = (values: unknown, valid: (value: number) => boolean) =>
    Array.isArray(values) &&
    values.length === features &&
    values.every((value) => Number.isFinite(value) && valid(value));
  if (!perFeature(mean, () => true) || !perFeature(scale, (value) => value > 0))
    throw refuse("the header's standardisation is not a mean and a positive scale per feature: it is damaged");
}

/** The class index of each row of `values` (the model's columns, in its order): standardised as the training rows were, then the network's most probable class. */
export function predictNetwork(model: LoadedNetwork, values: Float64Array, rows: number): Int32Array {
  const features = model.info.featureNames.length;
  const scaled = standardiseValues(values, features, model.info.standardisation);
  return predictClasses(model.parameters, model.shape, model.info.network.activation, scaled, rows);
}

/** The class probabilities of each row of `values` (rows x classes), standardised as predictNetwork does. */
export function networkProbabilities(model: LoadedNetwork, values: Float64Array, rows: number): Float64Array {
  const features = model.info.featureNames.length;
  const scaled = standardiseValues(values, features, model.info.standardisation);
  return classProbabilities(model.parameters, model.shape, model.info.network.activation, scaled, rows);
}
