import {availableParallelism} from 'node:os';
import test from 'ava';
import {adoptWorkerCores, workerCoresArgument} from '../../src/config/host-cores.js';
import {parseInventory} from '../../src/config/inventory.js';
import {YamlSource} from '../../src/config/yaml-source.js';
import {InputError} from '../../src/errors.js';
import {LIMITS} from '../../src/limits.js';

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
  t.deepEqual(inventory.hosts.get('rpi1'), {
    name: 'rpi1',
    transport: 'ssh',
    cores: 4,
    labels: ['raspberry-pi'],
    address: '192.168.1.101',
    defaults,
  });
  t.deepEqual(inventory.hosts.get('desktop'), {
    name: 'desktop',
    transport: 'ssh',
    cores: 7,
    labels: [],
    address: '192.168.1.10',
    user: 'me',
    defaults,
  });
});

test("the shipped inventory has two local hosts; the paper's cluster is in the example beside it", async (t) => {
  const {loadInventory} = await import('../../src/config/inventory.js');
  const coresOf = (file: string) =>
    Object.fromEntries(
      [...loadInventory(new URL(`../../../${file}`, import.meta.url).pathname).hosts].map(([name, host]) => [
        name,
        host.cores,
      ]),
    );
  t.deepEqual(coresOf('inventory.yaml'), {'local-a': 1, 'local-b': 1});
  t.deepEqual(coresOf('inventory.example.yaml'), {rpi1: 4, rpi2: 4, rpi3: 4, rpi4: 4, desktop: 7, laptop: 7});
});

const refuses = test.macro((t, text: string, message: string) => {
  const error = t.throws(() => parse(text), {instanceOf: InputError});
  t.is(error?.message, message);
});

test(
  'non-positive cores',
  refuses,
  'hosts:\n  a: { transport: local, cores: 0 }\n',
  'inventory.yaml:2: hosts.a.cores: must be a positive integer, got 0 (cores is how many trees the host trains at once)',
);
test(
  'non-integer cores',
  refuses,
  'hosts:\n  a:\n    transport: local\n    cores: 1.5\n',
  'inventory.yaml:4: hosts.a.cores: must be a positive integer, got 1.5 (cores is how many trees the host trains at once)',
);
test(
  'cores from defaults are blamed on defaults',
  refuses,
  'defaults: { cores: -2 }\nhosts:\n  a: { transport: local }\n',
  'inventory.yaml:1: defaults.cores: must be a positive integer, got -2 (cores is how many trees the host trains at once)',
);
test(
  "cores past 4x this machine's CPUs, for a local host",
  refuses,
  'hosts:\n  a: { transport: local, cores: 1000000000 }\n',
  `inventory.yaml:2: hosts.a.cores: must be at most ${LIMITS.localCores}, got 1000000000 (4 x the ${LIMITS.localCores / 4} CPUs of this machine; more slots only queue trees)`,
);
test(
  'cores written as 1e23',
  refuses,
  'hosts:\n  a: { transport: local, cores: 1e23 }\n',
  `inventory.yaml:2: hosts.a.cores: must be at most ${LIMITS.localCores}, got 1e+23 (4 x the ${LIMITS.localCores / 4} CPUs of this machine; more slots only queue trees)`,
);
test(
  'cores past the cap of an ssh host',
  refuses,
  'hosts:\n  rpi1: { address: 10.0.0.1, cores: 257 }\n',
  'inventory.yaml:2: hosts.rpi1.cores: must be at most 256, got 257 (the cap for an ssh host, whose CPUs are unknown until it is reached; more slots only queue trees)',
);
test(
  "a connectTimeout Node's timers cannot hold",
  refuses,
  'connectTimeout: 2147484\nhosts:\n  a: { transport: local }\n',
  'inventory.yaml:1: connectTimeout: must be at most 3600, got 2147484 (seconds to wait for an ssh host to answer; an hour is as good as no timeout)',
);
test(
  'a connectConcurrency of 0',
  refuses,
  'connectConcurrency: 0\nhosts:\n  a: { transport: local }\n',
  'inventory.yaml:1: connectConcurrency: must be a positive integer, got 0 (a whole number from 1 to 100)',
);
test(
  'a connectConcurrency past what sshd lets in',
  refuses,
  'connectConcurrency: 500\nhosts:\n  a: { transport: local }\n',
  "inventory.yaml:1: connectConcurrency: must be at most 100, got 500 (hosts reached at once; OpenSSH's MaxStartups refuses every login past 100 at once by default)",
);
test(
  'a connectConcurrency in quotes',
  refuses,
  'connectConcurrency: "4"\nhosts:\n  a: { transport: local }\n',
  "inventory.yaml:1: connectConcurrency: must be a positive integer, got '4' (write it without quotes: YAML reads a quoted number as text)",
);
test('connectConcurrency is how many hosts are reached at once; without it, none is set', (t) => {
  t.is(parse('connectConcurrency: 3\nhosts:\n  a: { transport: local }\n').connectConcurrency, 3);
  t.is(parse('hosts:\n  a: { transport: local }\n').connectConcurrency, undefined);
});
test(
  'a YAML alias bomb is refused, not expanded',
  refuses,
  'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nhosts: { x: *d }\n',
  'inventory.yaml: YAML aliases expand too far (over 100 aliased nodes) (write the values out, or use fewer nested aliases)',
);
test(
  'duplicate host',
  refuses,
  'hosts:\n  a: { transport: local }\n  a: { transport: local }\n',
  'inventory.yaml:3: duplicate key (each name may appear once; remove or rename one of them)',
);
test(
  'unknown transport',
  refuses,
  'hosts:\n  a: { transport: telnet }\n',
  "inventory.yaml:2: hosts.a.transport: unknown transport 'telnet' (use one of: ssh, local)",
);
test(
  'ssh host without address',
  refuses,
  'hosts:\n  rpi1: { cores: 4 }\n',
  "inventory.yaml:2: hosts.rpi1: ssh host 'rpi1' has no address (add address: (an IP, a host name or a ~/.ssh/config alias), or set transport: local; see docs/inventories.md)",
);
test(
  'a misspelt field',
  refuses,
  'hosts:\n  a:\n    transport: local\n    core: 4\n',
  "inventory.yaml:4: hosts.a.core: unknown field 'core' (known fields: transport, address, cores, labels, python, port, user, identityFile, passphraseEnv)",
);
test('no hosts', refuses, 'hosts: {}\n', 'inventory.yaml:1: hosts: no hosts (add at least one host under hosts:)');
test(
  'hosts not a mapping',
  refuses,
  'hosts: [a, b]\n',
  'inventory.yaml:1: hosts: expected hosts (a mapping of fields), got a list',
);
test(
  'port out of range',
  refuses,
  'hosts:\n  a: { address: x, port: 70000 }\n',
  'inventory.yaml:2: hosts.a.port: port 70000 is out of range (use a port between 1 and 65535)',
);
test(
  'host name with a shell character',
  refuses,
  'hosts:\n  "a;b": { transport: local }\n',
  "inventory.yaml:2: hosts.a;b: host name 'a;b' is not allowed (use letters, digits, dot, dash and underscore)",
);
test(
  'YAML syntax error',
  refuses,
  'hosts:\n  a: { transport: local\n',
  'inventory.yaml:3: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a } (fix the YAML syntax)',
);

const summary = (text: string) =>
  Object.fromEntries(
    [...parse(text).hosts].map(([name, host]) => [
      name,
      [host.transport, host.address ?? '', host.cores, host.user ?? '', host.port ?? '', host.labels.join('+')].join(
        ' ',
      ),
    ]),
  );

const GROUPS = `defaults: { user: pi }
groups:
  pis:
    vars: { cores: 4, labels: [raspberry-pi] }
    hosts:
      rpi[1:3]: {}
      node[08:10:2]: { port: 2222 }
  desktops:
    hosts:
      desktop: { address: 192.168.1.10, cores: 7, user: me }
hosts:
  local-a: { transport: local, cores: 1 }
`;

test('groups share fields; a range names several hosts, each reached by its name', (t) => {
  const inventory = parse(GROUPS);
  t.deepEqual(summary(GROUPS), {
    'local-a': 'local  1   ',
    rpi1: 'ssh rpi1 4   raspberry-pi',
    rpi2: 'ssh rpi2 4   raspberry-pi',
    rpi3: 'ssh rpi3 4   raspberry-pi',
    node08: 'ssh node08 4  2222 raspberry-pi',
    node10: 'ssh node10 4  2222 raspberry-pi',
    desktop: 'ssh 192.168.1.10 7 me  ',
  });
  t.deepEqual(Object.fromEntries(inventory.groups), {
    pis: ['rpi1', 'rpi2', 'rpi3', 'node08', 'node10'],
    desktops: ['desktop'],
  });
  t.deepEqual(
    inventory.hosts.get('rpi1')?.defaults,
    {user: 'pi'},
    "the inventory's defaults stay behind ~/.ssh/config",
  );
});

const ANSIBLE = `# an Ansible inventory, as Pi-cluster owners keep them
all:
  vars:
    ansible_user: pi
    ansible_python_interpreter: /usr/bin/python3
  hosts:
    control: { ansible_connection: local, cores: 2 }
  children:
    pis:
      vars: { cores: 4, labels: [raspberry-pi] }
      hosts:
        rpi[1:2]:
        rpi3: { ansible_host: 10.0.0.3, ansible_port: "2222", ansible_ssh_private_key_file: ~/.ssh/pi_key }
    fast:
      children:
        desktops:
          vars: { cores: 7 }
          hosts:
            desktop: { ansible_host: 10.0.0.10, ansible_user: me }
    gpu:
      hosts:
        desktop:
          labels: [desktop]
`;

test('an Ansible YAML inventory is read as it is: groups, children, vars, ranges, connection variables', (t) => {
  const inventory = parse(ANSIBLE);
  t.deepEqual(summary(ANSIBLE), {
    control: 'local  2   ',
    rpi1: 'ssh rpi1 4   raspberry-pi',
    rpi2: 'ssh rpi2 4   raspberry-pi',
    rpi3: 'ssh 10.0.0.3 4  2222 raspberry-pi',
    desktop: 'ssh 10.0.0.10 7 me  desktop',
  });
  t.is(inventory.hosts.get('rpi3')?.identityFile, '~/.ssh/pi_key');
  t.deepEqual(inventory.hosts.get('rpi1')?.defaults, {user: 'pi'}, "all:vars are everyone's defaults");
  t.deepEqual(Object.fromEntries(inventory.groups), {
    pis: ['rpi1', 'rpi2', 'rpi3'],
    fast: ['desktop'],
    desktops: ['desktop'],
    gpu: ['desktop'],
  });
});

test('the shipped Ansible example loads', async (t) => {
  const {loadInventory} = await import('../../src/config/inventory.js');
  const inventory = loadInventory(new URL('../../../inventory.ansible.example.yaml', import.meta.url).pathname);
  t.deepEqual([...inventory.hosts.keys()], ['rpi1', 'rpi2', 'rpi3', 'rpi4', 'desktop', 'laptop']);
});

test(
  'Ansible: a connection that cannot start a worker',
  refuses,
  'all:\n  hosts:\n    box: { ansible_connection: docker }\n',
  "inventory.yaml:3: all.hosts.box.ansible_connection: ansible_connection 'docker' cannot start a worker (use ssh or local)",
);
test(
  "Ansible: bad cores in a group's vars",
  refuses,
  'all:\n  children:\n    pis:\n      vars:\n        cores: many\n      hosts:\n        rpi1:\n',
  "inventory.yaml:5: all.children.pis.vars.cores: must be a positive integer, got 'many' (cores is how many trees the host trains at once)",
);
// "3" was taken as 3 while "3.7" was told to drop its quotes: every quoted number is now a number, as Ansible takes it.
test(
  'Ansible: a quoted fraction of cores is refused as the fraction',
  refuses,
  'all:\n  hosts:\n    a: { ansible_connection: local, cores: "3.7" }\n',
  'inventory.yaml:3: all.hosts.a.cores: must be a positive integer, got 3.7 (cores is how many trees the host trains at once)',
);
test('Ansible: quoted whole numbers are numbers, spaces and all', (t) => {
  t.deepEqual(
    summary(
      'all:\n  hosts:\n    a: { ansible_connection: local, cores: "3" }\n    b: { ansible_host: 10.0.0.2, ansible_port: " 2222 ", cores: "2" }\n',
    ),
    {a: 'local  3   ', b: 'ssh 10.0.0.2 2  2222 '},
  );
});
test(
  'Ansible: a misspelt group key',
  refuses,
  'all:\n  hosts:\n    rpi1:\n  children:\n    pis:\n      host:\n        rpi2:\n',
  "inventory.yaml:6: all.children.pis.host: unknown field 'host' (known fields: hosts, children, vars)",
);
test(
  'Ansible: a bad range',
  refuses,
  'all:\n  hosts:\n    rpi[4:1]:\n',
  'inventory.yaml:3: all.hosts.rpi[4:1]: range [4:1] runs backwards (ranges look like rpi[1:4] or node[01:16], at most 1000 hosts)',
);
test(
  'an unclosed range in a host name',
  refuses,
  'hosts:\n  rpi[1:2: {}\n',
  "inventory.yaml:2: hosts.rpi[1:2: 'rpi[1:2': unclosed '[' at character 4 (write rpi[1:2]; ranges look like rpi[1:4] or node[01:16], at most 1000 hosts)",
);
test(
  'a range of a million hosts is refused',
  refuses,
  'hosts:\n  rpi[1:1000000]: { cores: 4 }\n',
  "inventory.yaml:2: hosts.rpi[1:1000000]: 'rpi[1:1000000]' stands for 1000000 hosts, more than 1000 (ranges look like rpi[1:4] or node[01:16], at most 1000 hosts)",
);
test(
  'ranges that add up to too many hosts',
  refuses,
  'hosts:\n  a[1:600]: {}\n  b[1:600]: {}\n',
  'inventory.yaml:3: hosts.b[1:600]: more than 1000 hosts (an inventory describes at most that many hosts)',
);
test(
  'a host in two groups of our format',
  refuses,
  'groups:\n  x:\n    hosts:\n      a: { transport: local }\n  y:\n    hosts:\n      a: { transport: local }\n',
  "inventory.yaml:7: groups.y.hosts.a: host 'a' is defined twice (define each host once; list it in one place)",
);
test(
  'a group field that is not a host field',
  refuses,
  'groups:\n  x:\n    vars: { address: 1.2.3.4 }\n    hosts:\n      a:\n',
  "inventory.yaml:3: groups.x.vars.address: unknown field 'address' (known fields: transport, cores, labels, python, port, user, identityFile, passphraseEnv)",
);

test('hosts come in the order the file lists them, groups before hosts or after', (t) => {
  t.deepEqual(
    [
      ...parse(
        'groups:\n  g:\n    hosts:\n      a: { transport: local }\nhosts:\n  b: { transport: local }\n',
      ).hosts.keys(),
    ],
    ['a', 'b'],
  );
  t.deepEqual(
    [
      ...parse(
        'hosts:\n  b: { transport: local }\ngroups:\n  g:\n    hosts:\n      a: { transport: local }\n',
      ).hosts.keys(),
    ],
    ['b', 'a'],
  );
});

// A label is the host's kind in every report: a line break broke the Markdown table, an escape the terminal.
const LABEL_FIX = 'a label is one line of printable text, e.g. labels: [Raspberry Pi 4 (4GB)]';
test(
  'a label with a line break',
  refuses,
  'hosts:\n  a:\n    transport: local\n    labels: [ok, "pi\\n4GB"]\n',
  `inventory.yaml:4: hosts.a.labels[1]: label 'pi\\n4GB' holds a control character (${LABEL_FIX})`,
);
test(
  'a label with an escape sequence',
  refuses,
  'defaults:\n  labels: ["\\e[31mred"]\nhosts:\n  a: { transport: local }\n',
  `inventory.yaml:2: defaults.labels[0]: label '\\x1b[31mred' holds a control character (${LABEL_FIX})`,
);
test(
  'a label with a bidi override',
  refuses,
  'hosts:\n  a: { transport: local, labels: ["pi\\u202e"] }\n',
  `inventory.yaml:2: hosts.a.labels[0]: label 'pi\\u{202e}' holds a control character (${LABEL_FIX})`,
);
test(
  'a blank label',
  refuses,
  'hosts:\n  a: { transport: local, labels: ["  "] }\n',
  `inventory.yaml:2: hosts.a.labels[0]: expected a non-empty string, got '  ' (${LABEL_FIX})`,
);
test('labels of any printable text are kept as written', (t) => {
  const inventory = parse(
    'hosts:\n  a: { transport: local, labels: ["pi, 4GB", Raspberry Pi 4 (4GB), "Pi | \\"fast\\""] }\n',
  );
  t.deepEqual(inventory.hosts.get('a')!.labels, ['pi, 4GB', 'Raspberry Pi 4 (4GB)', 'Pi | "fast"']);
});

test('a host without cores takes them from the host: local ones share this machine, ssh ones ask their worker', (t) => {
  const cpus = availableParallelism();
  const inventory = parse(
    'hosts:\n  a: { transport: local }\n  b: { transport: local }\n  c: { transport: local, cores: 3 }\n  far: { address: 10.0.0.9 }\n  near: { address: 10.0.0.8, cores: 2 }\n',
  );
  const host = (name: string) => inventory.hosts.get(name)!;
  t.deepEqual(
    [host('a').cores, host('b').cores],
    [Math.max(1, Math.floor(cpus / 2)), Math.max(1, Math.floor(cpus / 2))],
    'the two local hosts without cores split the CPUs, never oversubscribing',
  );
  t.deepEqual(
    ['a', 'b', 'c', 'far', 'near'].map((name) => host(name).coresFrom ?? 'inventory'),
    ['host', 'host', 'inventory', 'host', 'inventory'],
    'cores in the inventory win',
  );
  t.is(host('c').cores, 3);
  t.is(workerCoresArgument(host('far')), 'auto', 'the ssh worker uses all its CPUs');
  t.is(workerCoresArgument(host('near')), '2');
  adoptWorkerCores(host('far'), {cores: 6});
  adoptWorkerCores(host('near'), {cores: 6});
  t.deepEqual([host('far').cores, host('near').cores], [6, 2]);
});

test("an Ansible inventory (which has no cores variable) takes each host's CPUs", (t) => {
  const inventory = parse(
    'all:\n  hosts:\n    rpi1: { ansible_host: 10.0.0.1 }\n    me: { ansible_connection: local }\n',
  );
  t.is(inventory.hosts.get('rpi1')!.coresFrom, 'host');
  t.is(workerCoresArgument(inventory.hosts.get('rpi1')!), 'auto');
});
