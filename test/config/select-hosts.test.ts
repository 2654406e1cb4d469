import test from 'ava';
import {parseInventory} from '../../src/config/inventory.js';
import {selectHosts} from '../../src/config/select-hosts.js';
import {YamlSource} from '../../src/config/yaml-source.js';
import {InputError} from '../../src/errors.js';

const inventory = parseInventory(YamlSource.parse('inventory.yaml', `all:
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
`));

const selects = test.macro((t, patterns: string, expected: string[]) => {
  t.deepEqual(selectHosts(inventory, patterns).map((host) => host.name), expected);
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
test('an unknown name', refuses, 'rpi9', "--hosts: unknown host or group 'rpi9' (hosts in inventory.yaml: control, rpi1, rpi2, rpi3, rpi4, desktop, laptop; groups: pis, pcs)");
test('a pattern that leaves nothing', refuses, 'pis,!rpi*', "--hosts: 'pis,!rpi*' leaves no host (hosts in inventory.yaml: control, rpi1, rpi2, rpi3, rpi4, desktop, laptop; groups: pis, pcs)");
test('a huge range', refuses, 'n[1:5000]', "--hosts: 'n[1:5000]' stands for 5000 hosts, more than 1000 (ranges look like rpi[1:4], at most 1000 hosts)");
