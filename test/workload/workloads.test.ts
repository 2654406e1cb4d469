import {join} from 'node:path';
import test from 'ava';
import {loadExperiment} from '../../src/config/experiment.js';
import {InputError} from '../../src/errors.js';
import {workloadNamed} from '../../src/workload/workloads.js';
import {folderWith} from '../helpers/files.js';

const DATASET = 'dataset: { kind: synthetic, samples: 400, features: 6, informative: 3, classes: 2, seed: 1 }';

function experiment(text: string) {
  return loadExperiment(join(folderWith({'e.yaml': `name: e\n${DATASET}\n${text}`}), 'e.yaml'));
}

test("a forest's work is its trees, counted in trees", (t) => {
  const forest = experiment('forest: { trees: 12 }\n');
  const workload = workloadNamed(forest.workload);
  t.is(workload.unit, 'trees');
  t.is(workload.work(forest, workload.prepare(forest)), 12);
  t.deepEqual(Object.keys(workload.settings(forest)), ['forest']);
});

test("a network's work is every epoch's chunks of 32 rows, its rows standardised on the training rows", (t) => {
  const network = experiment('workload: network\nnetwork: { epochs: 3, batchSize: 100 }\ntestFraction: 0.25\n');
  const workload = workloadNamed(network.workload);
  const data = workload.prepare(network);
  t.is(workload.unit, 'chunks');
  // 300 training rows: 3 batches of 100 rows, 4 chunks each (32 + 32 + 32 + 4), 3 epochs.
  t.is(data.train.rows, 300);
  t.is(workload.work(network, data), 3 * 3 * 4);
  const mean = Array.from({length: 300}, (_, r) => data.train.values[r * 6]).reduce((a, b) => a + b, 0) / 300;
  t.true(Math.abs(mean) < 1e-9);
  t.deepEqual(Object.keys(workload.settings(network)), ['network']);
});

test('a network is trained by the native engine only', (t) => {
  const workload = workloadNamed('network');
  t.is(workload.engine('native').name, 'native');
  t.throws(() => workload.engine('dask'), {instanceOf: InputError, message: /the dask engine trains forests only/});
});
