import test from 'ava';
import {parseInventory} from '../../src/config/inventory.js';
import {selectHosts} from '../../src/config/select-hosts.js';
import {YamlSource} from '../../src/config/yaml-source.js';
import {InputError} from '../../src/errors.js';

const inventory = parseInventory(
  YamlSource.parse(
    'inventory.yaml',
    `all:
  hosts:
    control: { ansible_connection: local }
  children:
    pis:
      hosts:
        rpi[1:4]:
    pcs:
      hosts:
        desktop:
        laptop:
`,
  ),
);

const selects = test.macro((t, patterns: string, expected: string[]) => {
  t.deepEqual(
    selectHosts(inventory, patterns).map((host) => host.name),
    expected,
  );
});
test('nothing: every host', (t) => t.is(selectHosts(inventory, undefined).length, 7));
test('commas only name no host (they chose every one)', (t) => {
  t.throws(() => selectHosts(inventory, ', ,'), {message: /^--hosts: ', ,' names no host /});
});
test('names, in the order given', selects, 'laptop,rpi2', ['laptop', 'rpi2']);
test('a group', selects, 'pis', ['rpi1', 'rpi2', 'rpi3', 'rpi4']);
test('a group and a host', selects, 'pcs,control', ['desktop', 'laptop', 'control']);
test('a glob', selects, 'rpi*', ['rpi1', 'rpi2', 'rpi3', 'rpi4']);
test('a range', selects, 'rpi[2:3]', ['rpi2', 'rpi3']);
test('all but a group', selects, 'all,!pis', ['control', 'desktop', 'laptop']);
test('only exclusions: every other host', selects, '!pcs,!control', ['rpi1', 'rpi2', 'rpi3', 'rpi4']);

const refuses = test.macro((t, patterns: string, message: string) => {
  const error = t.throws(() => selectHosts(inventory, patterns), {instanceOf: InputError});
  t.is(error?.message, message);
});
test(
  'an unknown name',
  refuses,
  'rpi9',
  "--hosts: unknown host or group 'rpi9' (hosts in inventory.yaml: control, rpi1, rpi2, rpi3, rpi4, desktop, laptop; groups: pis, pcs)",
);
test(
  'a pattern that leaves nothing',
  refuses,
  'pis,!rpi*',
  "--hosts: 'pis,!rpi*' leaves no host (hosts in inventory.yaml: control, rpi1, rpi2, rpi3, rpi4, desktop, laptop; groups: pis, pcs)",
);
test(
  'a lone !',
  refuses,
  'pis,!',
  "--hosts: 'pis,!' has a '!' with no host after it (write !NAME to leave a host out (hosts in inventory.yaml: control, rpi1, rpi2, rpi3, rpi4, desktop, laptop; groups: pis, pcs))",
);
test(
  'a huge range',
  refuses,
  'n[1:5000]',
  "--hosts: 'n[1:5000]' stands for 5000 hosts, more than 1000 (ranges look like rpi[1:4], at most 1000 hosts)",
);

// Malformed brackets were an "internal error: Invalid regular expression": each is bad input, with its place and a mended flag.
const RANGES = 'ranges look like rpi[1:4], at most 1000 hosts';
test(
  'an unclosed range',
  refuses,
  'rpi[1:2',
  `--hosts: 'rpi[1:2': unclosed '[' at character 4 (write --hosts 'rpi[1:2]'; ${RANGES})`,
);
test(
  'an unclosed range beside other patterns',
  refuses,
  'pcs,!rpi[1:2',
  `--hosts: 'rpi[1:2': unclosed '[' at character 4 (write --hosts 'pcs,!rpi[1:2]'; ${RANGES})`,
);
test('a bracket at the end', refuses, 'a[', `--hosts: 'a[': unclosed '[' at character 2 (${RANGES})`);
test('a bracket at the start', refuses, '[a', `--hosts: '[a': unclosed '[' at character 1 (${RANGES})`);
test('a glob and a bracket', refuses, '*[', `--hosts: '*[': unclosed '[' at character 2 (${RANGES})`);
test('a bracket inside a range', refuses, 'rpi[1:[2]', `--hosts: 'rpi[1:[2]': unclosed '[' at character 4 (${RANGES})`);
test('a second range left open', refuses, 'rpi[1:2][', `--hosts: 'rpi[1:2][': unclosed '[' at character 9 (${RANGES})`);
test(
  'a closing bracket alone',
  refuses,
  'rpi1]',
  `--hosts: 'rpi1]': ']' at character 5 closes no '[' (write --hosts rpi1; ${RANGES})`,
);
test(
  'a closing bracket too many',
  refuses,
  'rpi[1:2]]',
  `--hosts: 'rpi[1:2]]': ']' at character 9 closes no '[' (write --hosts 'rpi[1:2]'; ${RANGES})`,
);
test('an empty range', refuses, 'rpi[]', `--hosts: range [] must be [first:last] or [first:last:step] (${RANGES})`);
test(
  'regular-expression characters are literal',
  refuses,
  'rpi(1|2)',
  "--hosts: unknown host or group 'rpi(1|2)' (hosts in inventory.yaml: control, rpi1, rpi2, rpi3, rpi4, desktop, laptop; groups: pis, pcs)",
);
test('a glob with ?', selects, 'rpi?,!rpi[2:4]', ['rpi1']);
test('a range inside a glob', selects, '*[1:2]', ['rpi1', 'rpi2']);
test('globs backtrack', selects, '*p*o*', ['laptop']);
