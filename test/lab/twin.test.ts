import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {InputError} from '../../src/errors.js';
import {loadLabSpec} from '../../src/lab/spec.js';
import {planTwin, readTwinModel, writeTwinSpec} from '../../src/lab/twin.js';
import {loadExperiment} from '../../src/config/experiment.js';
import {folderWith} from '../helpers/files.js';

const PAPER = 'experiments/paper-table1-results.csv';

test("the paper's Table I fit becomes a twin of 4 Pis, the desktop and the laptop, at 1.5 of 2 CPUs", (t) => {
  const model = readTwinModel(PAPER);
  t.deepEqual(
    model.kinds.map((k) => [k.kind, Number(k.speed.toFixed(3)), k.cores, k.count]),
    [
      ['raspberry-pi', 1, 4, 4],
      ['desktop', 2.862, 7, 1],
      ['laptop', 0.403, 7, 1],
    ],
  );
  const plan = planTwin(model, 1.5, 2);
  // 1.5 CPUs over 4 + 2.862 + 0.403 Pi hosts' worth.
  t.is(plan.scale.toFixed(4), '0.2065');
  t.deepEqual(
    plan.hosts.map((h) => [h.name, h.kind, h.cores, h.cpu]),
    [
      ['rpi1', 'raspberry-pi', 4, 0.05162],
      ['rpi2', 'raspberry-pi', 4, 0.05162],
      ['rpi3', 'raspberry-pi', 4, 0.05162],
      ['rpi4', 'raspberry-pi', 4, 0.05162],
      ['desktop', 'desktop', 7, 0.08441],
      ['laptop', 'laptop', 7, 0.01189],
    ],
  );
  const slots = plan.hosts.reduce((sum, h) => sum + h.cores * h.cpu, 0);
  t.true(Math.abs(slots - 1.5) < 0.001, `the slots take ${slots} CPUs`);
  t.deepEqual(plan.combinations, [
    ['rpi1'],
    ['rpi1', 'desktop'],
    ['rpi1', 'rpi2', 'desktop'],
    ['rpi1', 'rpi2', 'rpi3', 'desktop'],
    ['rpi1', 'rpi2', 'rpi3', 'rpi4', 'desktop'],
    ['rpi1', 'rpi2', 'rpi3', 'rpi4', 'desktop', 'laptop'],
  ]);
});

test('the spec written is a lab spec and an experiment, the shipped twin-paper.yaml for 2 CPUs; never written over', (t) => {
  const folder = folderWith();
  const file = join(folder, 'twin.yaml');
  writeTwinSpec(PAPER, file, 2);
  const shipped = readFileSync('experiments/lab/twin-paper.yaml', 'utf8');
  t.is(readFileSync(file, 'utf8'), shipped);
  const spec = loadLabSpec(file);
  t.deepEqual(
    spec.hosts.map((h) => [h.name, h.kind, h.cores, h.cpu, h.latencyMs]),
    [
      ['rpi1', 'raspberry-pi', 4, 0.05162, 1],
      ['rpi2', 'raspberry-pi', 4, 0.05162, 1],
      ['rpi3', 'raspberry-pi', 4, 0.05162, 1],
      ['rpi4', 'raspberry-pi', 4, 0.05162, 1],
      ['desktop', 'desktop', 7, 0.08441, 1],
      ['laptop', 'laptop', 7, 0.01189, 1],
    ],
  );
  const experiment = loadExperiment(file);
  t.is(experiment.combinations.length, 6);
  t.deepEqual(experiment.combinations[experiment.baseline], ['rpi1']);
  const again = t.throws(() => writeTwinSpec(PAPER, file, 2), {instanceOf: InputError});
  t.is(
    again.message,
    `${file}: exists already (to bring up the twin it holds: cluster lab up --spec ${file}; for a new one pass --save-spec OTHER.yaml or remove it)`,
  );
});

test('a file that is no model or results is refused, naming it and what --from takes', (t) => {
  const folder = folderWith({'inventory.json': '{"hosts": {}}', 'notes.txt': 'nothing here\n'});
  const fix =
    '(pass what cluster analyze results/<id>.json writes with --json, a results CSV (hardware and measured_s columns) or a JSON written by cluster bench)';
  for (const [name, problem] of [
    ['inventory.json', 'rows: no rows array'],
    ['notes.txt', "1: hardware: no column named 'hardware' (columns: nothing here)"],
    ['missing.csv', 'model or results file not found'],
  ]) {
    const file = join(folder, name);
    const error = t.throws(() => readTwinModel(file), {instanceOf: InputError});
    t.is(error.message, `${file}:${problem.startsWith('1:') ? '' : ' '}${problem} ${fix}`);
  }
});

test('a budget too small for the slowest core is refused with the budget that fits', (t) => {
  const error = t.throws(() => planTwin(readTwinModel(PAPER), 1, 2), {instanceOf: InputError});
  t.is(
    error.message,
    `${PAPER}: speeds.laptop: at 1 CPUs in all a laptop core would get 0.0079 of a core, under the lab's 0.01 (pass --cpus 1.27 or more, or leave laptop out of the file)`,
  );
});
