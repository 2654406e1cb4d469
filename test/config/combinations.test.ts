import test from 'ava';
import {combinationsFor} from '../../src/config/combinations.js';
import {parseExperiment} from '../../src/config/experiment.js';
import {parseInventory} from '../../src/config/inventory.js';
import {resolveExperimentFile, shippedExperiments} from '../../src/config/shipped.js';
import {YamlSource} from '../../src/config/yaml-source.js';
import {InputError} from '../../src/errors.js';
import {folderWith} from '../helpers/files.js';

const inventory = parseInventory(
  YamlSource.parse(
    'inventory.yaml',
    'hosts:\n  a: { transport: local }\n  b: { transport: local }\n  c: { transport: local }\n',
  ),
);
const experiment = (combinations: string) =>
  parseExperiment(
    YamlSource.parse('x.yaml', `dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 8 }\n${combinations}`),
  );
const hosts = (...names: string[]) => names.map((name) => inventory.hosts.get(name)!);

test('without combinations: one host, two, ... all of them, in inventory order', (t) => {
  t.deepEqual(combinationsFor(experiment(''), inventory).combinations, [['a'], ['a', 'b'], ['a', 'b', 'c']]);
  t.deepEqual(combinationsFor(experiment(''), inventory, hosts('c', 'a')).combinations, [['c'], ['c', 'a']]);
});

test('--hosts keeps the combinations made only of those hosts, and the baseline with them', (t) => {
  const chosen = combinationsFor(
    experiment('combinations: [[a], [b], [a, b], [a, c]]\nbaseline: [b]\n'),
    inventory,
    hosts('a', 'b'),
  );
  t.deepEqual(chosen.combinations, [['a'], ['b'], ['a', 'b']]);
  t.is(chosen.baseline, 1);
  t.is(
    combinationsFor(experiment('combinations: [[a], [b]]\nbaseline: [b]\n'), inventory, hosts('a')).baseline,
    0,
    'the first kept one when the baseline is gone',
  );
  const error = t.throws(() => combinationsFor(experiment('combinations: [[a], [a, b]]\n'), inventory, hosts('c')), {
    instanceOf: InputError,
  });
  t.is(
    error?.message,
    '--hosts: no combination of x.yaml is made only of c (its combinations use a, b; name some of those, or leave out --hosts)',
  );
});

test.serial('an --experiment name means experiments/NAME.yaml here, else the shipped one', (t) => {
  const here = process.cwd();
  process.chdir(folderWith({'experiments/mine.yaml': ''}));
  t.teardown(() => process.chdir(here));
  t.is(resolveExperimentFile('mine'), 'experiments/mine.yaml');
  t.is(resolveExperimentFile('mine.yaml'), 'mine.yaml');
  t.is(resolveExperimentFile('x/local'), 'x/local');
  t.is(resolveExperimentFile('paper-table1'), shippedExperiments().get('paper-table1')!);
  t.regex(shippedExperiments().get('local')!, /\/experiments\/local\.yaml$/);
  t.is(resolveExperimentFile('nope'), 'experiments/nope.yaml');
});

test.serial('a shipped file is found from any folder', async (t) => {
  const {hereOrShipped, PACKAGE_ROOT} = await import('../../src/config/shipped.js');
  const here = process.cwd();
  process.chdir(folderWith({'mine.yaml': ''}));
  t.teardown(() => process.chdir(here));
  t.is(hereOrShipped('mine.yaml'), 'mine.yaml');
  t.is(hereOrShipped('experiments/lab/paper.yaml'), `${PACKAGE_ROOT}experiments/lab/paper.yaml`);
  t.is(hereOrShipped('nope.yaml'), 'nope.yaml');
});
