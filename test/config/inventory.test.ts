import test from 'ava';
import {parseInventory} from '../../src/config/inventory.js';
import {YamlSource} from '../../src/config/yaml-source.js';
import {InputError} from '../../src/errors.js';

const parse = (text: string) => parseInventory(YamlSource.parse('inventory.yaml', text));

test('hosts keep their own login fields and the defaults apart (~/.ssh/config goes between them)', (t) => {
  const inventory = parse(`defaults: { user: pi, port: 2222, identityFile: ~/.ssh/id_ed25519 }
hosts:
  local-a: { transport: local, cores: 1 }
  rpi1: { address: 192.168.1.101, cores: 4, labels: [raspberry-pi] }
  desktop: { address: 192.168.1.10, user: me, cores: 7 }
`);
  const defaults = {port: 2222, user: 'pi', identityFile: '~/.ssh/id_ed25519'};
  t.deepEqual(inventory.hosts.get('local-a'), {name: 'local-a', transport: 'local', cores: 1, labels: []});
  t.deepEqual(inventory.hosts.get('rpi1'), {name: 'rpi1', transport: 'ssh', cores: 4, labels: ['raspberry-pi'], address: '192.168.1.101', defaults});
  t.deepEqual(inventory.hosts.get('desktop'), {name: 'desktop', transport: 'ssh', cores: 7, labels: [], address: '192.168.1.10', user: 'me', defaults});
});

test('the shipped inventory has two local hosts; the paper\'s cluster is in the example beside it', async (t) => {
  const {loadInventory} = await import('../../src/config/inventory.js');
  const coresOf = (file: string) => Object.fromEntries([...loadInventory(new URL(`../../../${file}`, import.meta.url).pathname).hosts].map(([name, host]) => [name, host.cores]));
  t.deepEqual(coresOf('inventory.yaml'), {'local-a': 1, 'local-b': 1});
  t.deepEqual(coresOf('inventory.example.yaml'), {rpi1: 4, rpi2: 4, rpi3: 4, rpi4: 4, desktop: 7, laptop: 7});
});

const refuses = test.macro((t, text: string, message: string) => {
  const error = t.throws(() => parse(text), {instanceOf: InputError});
  t.is(error?.message, message);
});

test('non-positive cores', refuses, 'hosts:\n  a: { transport: local, cores: 0 }\n', 'inventory.yaml:2: hosts.a.cores: must be a positive integer, got 0 (cores is how many trees the host trains at once)');
test('non-integer cores', refuses, 'hosts:\n  a:\n    transport: local\n    cores: 1.5\n', 'inventory.yaml:4: hosts.a.cores: must be a positive integer, got 1.5 (cores is how many trees the host trains at once)');
test('cores from defaults are blamed on defaults', refuses, 'defaults: { cores: -2 }\nhosts:\n  a: { transport: local }\n', 'inventory.yaml:1: defaults.cores: must be a positive integer, got -2 (cores is how many trees the host trains at once)');
test('duplicate host', refuses, 'hosts:\n  a: { transport: local }\n  a: { transport: local }\n', 'inventory.yaml:3: duplicate key (each name may appear once; remove or rename one of them)');
test('unknown transport', refuses, 'hosts:\n  a: { transport: telnet }\n', "inventory.yaml:2: hosts.a.transport: unknown transport 'telnet' (use one of: ssh, local)");
test('ssh host without address', refuses, 'hosts:\n  rpi1: { cores: 4 }\n', "inventory.yaml:2: hosts.rpi1: ssh host 'rpi1' has no address (add address: (an IP, a host name or a ~/.ssh/config alias), or set transport: local; see \"Inventory\" in the README)");
test('a misspelt field', refuses, 'hosts:\n  a:\n    transport: local\n    core: 4\n', "inventory.yaml:4: hosts.a.core: unknown field 'core' (known fields: transport, address, cores, labels, port, user, identityFile, passphraseEnv)");
test('no hosts', refuses, 'hosts: {}\n', 'inventory.yaml:1: hosts: no hosts (add at least one host under hosts:)');
test('hosts not a mapping', refuses, 'hosts: [a, b]\n', 'inventory.yaml:1: hosts: expected hosts (a mapping of fields), got a list');
test('port out of range', refuses, 'hosts:\n  a: { address: x, port: 70000 }\n', 'inventory.yaml:2: hosts.a.port: port 70000 is out of range (use a port between 1 and 65535)');
test('host name with a shell character', refuses, 'hosts:\n  "a;b": { transport: local }\n', "inventory.yaml:2: hosts.a;b: host name 'a;b' is not allowed (use letters, digits, dot, dash and underscore)");
test('YAML syntax error', refuses, 'hosts:\n  a: { transport: local\n', 'inventory.yaml:3: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a } (fix the YAML syntax)');
