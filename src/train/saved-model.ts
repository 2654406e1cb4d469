import type {ModelColumns} from '../data/model-columns.js';
import {notAModel, openModel, readModelFile} from '../files/model-envelope.js';
import {decodeForest} from '../forest/model-file.js';
import {decodeNetwork, networkProbabilities, predictNetwork} from '../network/model-file.js';

/** A saved model of either kind, as predict uses it: its columns, and the class index of each row. */
export interface Predictor {
  kind: 'forest' | 'network';
  info: ModelColumns;
  predict(values: Float64Array, rows: number): Int32Array;
  /** Each row's class probabilities, rows x classes in the order of info.classes. */
  probabilities(values: Float64Array, rows: number): Float64Array;
  /** What the user should know about the file (a format without a digest). */
  warning?: string;
}

/** Reads a model file, whichever kind its header names, refusing a kind this version does not know. */
export function loadPredictor(file: string): Predictor {
  const envelope = openModel(readModelFile(file), file);
  if (envelope.kind === 'forest') {
    const {info, forest, warning} = decodeForest(envelope);
    const features = info.featureNames.length;
    return {
      kind: 'forest',
      info,
      predict: (values) => forest.predict(values, features),
      probabilities: (values) => forest.probabilities(values, features),
      warning,
    };
  }
  if (envelope.kind === 'network') {
    const network = decodeNetwork(envelope);
    return {
      kind: 'network',
      info: network.info,
      predict: (values, rows) => predictNetwork(network, values, rows),
      probabilities: (values, rows) => networkProbabilities(network, values, rows),
    };
  }
  throw notAModel(
    file,
    `the model file holds a model of kind ${JSON.stringify(envelope.kind)}, which this version of cluster does not know (it reads forest and network)`,
    'upgrade cluster to read it, or pass a file written by cluster train --out',
  );
}
