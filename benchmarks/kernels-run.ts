/**
 * One side of bench:kernels in a fresh process: trains a network in this process, on one thread,
 * as a host's core does (src/network/train-here.ts: the kernels, the fixed-point sums and the
 * optimizer), and prints its CPU seconds, samples per CPU second and test accuracy as one JSON line.
 * usage: node kernels-run.js TRAIN.csv TEST.csv LAYERS EPOCHS BATCH LEARNING_RATE SEED
 */
import {loadCsvDataset} from '../src/data/csv.js';
import {predictClasses} from '../src/network/predict.js';
import {DEFAULT_NETWORK, type NetworkSpec} from '../src/network/spec.js';
import {standardisationOf, standardise} from '../src/network/standardise.js';
import {trainNetwork} from '../src/network/train-here.js';

const [trainFile, testFile, layers, epochs, batch, learningRate, seed] = process.argv.slice(2);
const rawTrain = loadCsvDataset(trainFile, 'label');
const rawTest = loadCsvDataset(testFile, 'label');
const scale = standardisationOf(rawTrain);
const [train, test] = [standardise(rawTrain, scale), standardise(rawTest, scale)];
const spec: NetworkSpec = {
  ...DEFAULT_NETWORK,
  layers: layers.split(',').map(Number),
  epochs: Number(epochs),
  batchSize: Number(batch),
  learningRate: Number(learningRate),
  optimizer: 'sgd',
  momentum: 0.9,
  alpha: 0,
  seed: Number(seed),
};
const before = process.cpuUsage();
const trained = trainNetwork(spec, train);
const used = process.cpuUsage(before);
const cpuSeconds = (used.user + used.system) / 1e6;
const predicted = predictClasses(trained.parameters, trained.shape, spec.activation, test.values, test.rows);
// Both files' classes are the digits 0-9 (or 0-1), so a class's index names the same label in each.
const right = predicted.reduce(
  (sum, label, i) => sum + (test.classes[test.labels[i]] === train.classes[label] ? 1 : 0),
  0,
);
const samples = spec.epochs * train.rows;
console.log(JSON.stringify({cpuSeconds, samplesPerCpuSecond: samples / cpuSeconds, testAccuracy: right / test.rows}));
