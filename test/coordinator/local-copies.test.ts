import {totalmem} from 'node:os';
import test from 'ava';
import type {Host} from '../../src/config/inventory.js';
import {checkLocalCopies} from '../../src/coordinator/local-copies.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {InputError} from '../../src/errors.js';

const data = makeClassification({samples: 2000, features: 10, informative: 5, classes: 2, seed: 1});
const locals = (count: number): Host[] =>
  Array.from({length: count}, (_, i) => ({
    name: `l${i}`,
    transport: 'local',
    cores: 1,
    labels: [],
    inventoryFile: 'inventory.yaml',
  }));

test('more local hosts than this machine can hold a worker and a data set for are refused before any starts', (t) => {
  // Each costs at least 64 MiB: this many cannot fit in half of any machine's memory.
  const count = Math.ceil(totalmem() / 2 ** 26) + 1;
  const error = t.throws(() => checkLocalCopies(locals(count), data), {instanceOf: InputError});
  t.regex(
    error!.message,
    new RegExp(
      `^inventory\\.yaml: ${count} local hosts would each start a worker with its own copy of the \\S+ KiB data set: about \\S+ \\S+, more than half of this machine's \\S+ \\S+ \\(use at most \\d+ local hosts at once; one local host with more cores shares one copy between its slots\\)$`,
    ),
  );
});

test('a few local hosts, and any number of ssh hosts, pass', (t) => {
  t.notThrows(() => checkLocalCopies(locals(4), data));
  const remote = Array.from({length: 500}, (_, i): Host => ({
    name: `pi${i}`,
    transport: 'ssh',
    address: `10.0.0.${i % 250}`,
    cores: 4,
    labels: [],
  }));
  t.notThrows(() => checkLocalCopies(remote, data));
});
