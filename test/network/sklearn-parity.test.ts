import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import type {Dataset} from '../../src/data/dataset.js';
import {predictClasses} from '../../src/network/predict.js';
import {DEFAULT_NETWORK, type NetworkSpec} from '../../src/network/spec.js';
import {trainNetwork} from '../../src/network/train-here.js';

// Debian's python3-sklearn (1.2.1), as .ci/run installs it; `python3` on PATH may be another.
const PYTHON = '/usr/bin/python3';
const REFERENCE = fileURLToPath(new URL('../../../test/network/python/mlp_reference.py', import.meta.url));

interface Reference {
  train: {x: number[][]; y: number[]};
  test: {x: number[][]; y: number[]};
  sklearn_accuracy: number;
}

function datasetOf({x, y}: {x: number[][]; y: number[]}, classes: number): Dataset {
  return {
    rows: x.length,
    features: x[0].length,
    values: Float64Array.from(x.flat()),
    labels: Int32Array.from(y),
    classes: Array.from({length: classes}, (_, i) => String(i)),
    featureNames: x[0].map((_, i) => `f${i}`),
  };
}

/** scikit-learn's MLPClassifier and ours with the same layers, epochs, batch and standardised split. */
async function compare(name: string, spec: NetworkSpec): Promise<{ours: number; sklearn: number}> {
  const args = [name, String(spec.epochs), spec.layers.join(','), String(spec.batchSize), String(spec.seed)];
  const {stdout} = await execa(PYTHON, [REFERENCE, ...args]);
  const reference = JSON.parse(stdout) as Reference;
  const classes = Math.max(...reference.train.y) + 1;
  const [train, held] = [datasetOf(reference.train, classes), datasetOf(reference.test, classes)];
  // Across two hosts of different speeds, as the cluster trains it.
  const trained = trainNetwork(spec, train, [2, 1]);
  const predicted = predictClasses(trained.parameters, trained.shape, spec.activation, held.values, held.rows);
  const right = predicted.reduce((sum, label, i) => sum + (label === held.labels[i] ? 1 : 0), 0);
  return {ours: right / held.rows, sklearn: reference.sklearn_accuracy};
}

for (const [name, epochs] of [
  ['digits', 30],
  ['wine', 60],
  ['breast_cancer', 40],
] as const) {
  test(`${name}: at least scikit-learn's MLPClassifier test accuracy with the same layers and epochs, less 1 point`, async (t) => {
    const {ours, sklearn} = await compare(name, {...DEFAULT_NETWORK, epochs});
    t.log(`${name}: ours ${ours.toFixed(4)}, scikit-learn ${sklearn.toFixed(4)}`);
    t.true(ours >= sklearn - 0.01, `ours ${ours}, scikit-learn ${sklearn}`);
  });
}
