import test from 'ava';
import {isIniInventory, parseIniInventory} from '../../src/config/ini-inventory.js';
import {parsePythonValue} from '../../src/config/python-literal.js';
import {InputError} from '../../src/errors.js';

const parse = (text: string) => parseIniInventory('hosts.ini', text);

/** Each host as `transport address cores user port labels`, and each group's hosts. */
const summary = (text: string) => {
  const inventory = parse(text);
  const hosts = Object.fromEntries(
    [...inventory.hosts].map(([name, host]) => [
      name,
      [
        host.transport,
        host.address ?? '',
        host.cores,
        host.user ?? host.defaults?.user ?? '',
        host.port ?? '',
        host.labels.join('+'),
      ].join(' '),
    ]),
  );
  return {hosts, groups: Object.fromEntries(inventory.groups)};
};

const reads = test.macro({
  exec(t, text: string, expected: ReturnType<typeof summary>) {
    t.deepEqual(summary(text), expected);
  },
  title: (title) => `INI: ${title}`,
});

const GUIDE = '[pis]\nrpi[1:4] ansible_user=pi\n[pis:vars]\ncores=4\n[cluster:children]\npis\ndesktops\n';

test(
  "the guide's example, once desktops is defined",
  reads,
  `${GUIDE}[desktops]\ndesktop ansible_host=192.168.1.10 ansible_user=me cores=7\n`,
  {
    hosts: {
      rpi1: 'ssh rpi1 4 pi  ',
      rpi2: 'ssh rpi2 4 pi  ',
      rpi3: 'ssh rpi3 4 pi  ',
      rpi4: 'ssh rpi4 4 pi  ',
      desktop: 'ssh 192.168.1.10 7 me  ',
    },
    groups: {
      pis: ['rpi1', 'rpi2', 'rpi3', 'rpi4'],
      cluster: ['rpi1', 'rpi2', 'rpi3', 'rpi4', 'desktop'],
      desktops: ['desktop'],
    },
  },
);
test(
  'hosts before any section are ungrouped; comments and blank lines are skipped',
  reads,
  '# my hosts\n\n  here ansible_connection=local cores=2\n; a comment\nbox ansible_host=10.0.0.9 # inline comment\n',
  {
    hosts: {here: 'local  2   ', box: 'ssh 10.0.0.9 1   '},
    groups: {ungrouped: ['here', 'box']},
  },
);
test(
  'a host listed before the sections and in a group is no longer ungrouped, as in Ansible',
  reads,
  'box ansible_connection=local\nother ansible_connection=local\n[pis]\nbox cores=2\n',
  {
    hosts: {box: 'local  2   ', other: 'local  1   '},
    groups: {ungrouped: ['other'], pis: ['box']},
  },
);
test('ranges: padded, alphabetic, with a stride', reads, '[n]\nnode[01:03]\nweb[a:c]\nodd[1:7:3]\n', {
  hosts: {
    node01: 'ssh node01 1   ',
    node02: 'ssh node02 1   ',
    node03: 'ssh node03 1   ',
    weba: 'ssh weba 1   ',
    webb: 'ssh webb 1   ',
    webc: 'ssh webc 1   ',
    odd1: 'ssh odd1 1   ',
    odd4: 'ssh odd4 1   ',
    odd7: 'ssh odd7 1   ',
  },
  groups: {n: ['node01', 'node02', 'node03', 'weba', 'webb', 'webc', 'odd1', 'odd4', 'odd7']},
});
test(
  'connection variables, host:port, and quoted values',
  reads,
  '[pis]\nrpi1:2222 ansible_user="pi" ansible_ssh_private_key_file=~/.ssh/pi_key\nrpi2 ansible_host=10.0.0.2 ansible_port=2200 labels="[\'Raspberry Pi 4 (4GB)\', \'pi\']"\n',
  {
    hosts: {rpi1: 'ssh rpi1 1 pi 2222 ', rpi2: 'ssh 10.0.0.2 1  2200 Raspberry Pi 4 (4GB)+pi'},
    groups: {pis: ['rpi1', 'rpi2']},
  },
);
test(
  'precedence: host vars over child groups over parents over all:vars',
  reads,
  "[all:vars]\ncores=1\nansible_user=everyone\n[pis]\nrpi1\nrpi2 cores=3\n[pis:vars]\ncores=4\nlabels=['pi']\n[cluster:children]\npis\n[cluster:vars]\ncores=2\nansible_user=pi\nlabels=['cluster']\n",
  {
    hosts: {rpi1: 'ssh rpi1 4 pi  pi', rpi2: 'ssh rpi2 3 pi  pi'},
    groups: {pis: ['rpi1', 'rpi2'], cluster: ['rpi1', 'rpi2']},
  },
);
test(
  'a host in two groups is one host with the vars of both; the later group of a depth wins',
  reads,
  "[a]\nbox ansible_connection=local\n[b]\nbox\n[a:vars]\ncores=2\nlabels=['from-a']\n[b:vars]\ncores=3\n",
  {
    hosts: {box: 'local  3   from-a'},
    groups: {a: ['box'], b: ['box']},
  },
);
test(
  'a [group:vars] before its group, a child before its section',
  reads,
  '[pis:vars]\ncores=4\n[cluster:children]\npis\n[pis]\nrpi1\n',
  {
    hosts: {rpi1: 'ssh rpi1 4   '},
    groups: {cluster: ['rpi1'], pis: ['rpi1']},
  },
);

const refuses = test.macro({
  exec(t, text: string, message: string) {
    const error = t.throws(() => parse(text), {instanceOf: InputError});
    t.is(error?.message, message);
  },
  title: (title) => `INI refused: ${title}`,
});

test(
  "the guide's example as printed: desktops is never defined (Ansible refuses it too)",
  refuses,
  GUIDE,
  "hosts.ini:7: [cluster:children] desktops: includes undefined group 'desktops' (define it with a [desktops] section of hosts, or remove the line)",
);
test(
  'an unknown section kind',
  refuses,
  '[pis:host]\nrpi1\n',
  "hosts.ini:1: [pis:host]: unknown section kind 'host' (a section is [pis], [pis:vars] or [pis:children])",
);
test(
  'a header with a space',
  refuses,
  '[my pis]\nrpi1\n',
  "hosts.ini:1: '[my pis]' is not a section header (a header is [group], [group:vars] or [group:children], with no spaces in it)",
);
test(
  'vars of a group never defined',
  refuses,
  '[pis]\nrpi1\n[pi:vars]\ncores=4\n',
  "hosts.ini:3: [pi:vars]: group 'pi' is not defined (define it with a [pi] or [pi:children] section, or remove [pi:vars])",
);
test(
  'a vars line without =',
  refuses,
  '[pis]\nrpi1\n[pis:vars]\ncores 4\n',
  "hosts.ini:4: [pis:vars]: expected name=value, got 'cores 4' (a [group:vars] line is name=value, e.g. cores=4)",
);
test(
  'a host variable without =',
  refuses,
  '[pis]\nrpi1 cores 4\n',
  "hosts.ini:2: rpi1: expected name=value after the host, got 'cores' (write each host variable as name=value, e.g. ansible_user=pi; quote a value with spaces)",
);
test(
  'an unclosed quote',
  refuses,
  "[pis]\nrpi1 labels=\"['a'\n",
  'hosts.ini:2: unclosed quote in "rpi1 labels=\\"[\'a\'" (close the quote: name="a value with spaces")',
);
test(
  'a bad range',
  refuses,
  '[pis]\nrpi1\nrpi[4:1]\n',
  'hosts.ini:3: rpi[4:1]: range [4:1] runs backwards (ranges look like rpi[1:4] or node[01:16], at most 1000 hosts)',
);
test(
  'a range of letters and numbers',
  refuses,
  '[pis]\nrpi[1:c]\n',
  'hosts.ini:2: rpi[1:c]: range [1:c] must run between two numbers or two lowercase letters (ranges look like rpi[1:4] or node[01:16], at most 1000 hosts)',
);
test(
  'a port out of range',
  refuses,
  '[pis]\nrpi1\nrpi2 ansible_port=70000\n',
  'hosts.ini:3: rpi2 ansible_port: port 70000 is out of range (use a port between 1 and 65535)',
);
test('a range and a port', reads, '[pis]\nrpi[1:2]:2222\n', {
  hosts: {rpi1: 'ssh rpi1 1  2222 ', rpi2: 'ssh rpi2 1  2222 '},
  groups: {pis: ['rpi1', 'rpi2']},
});
test(
  'a port after the name out of range',
  refuses,
  '[pis]\nrpi1:99999\n',
  'hosts.ini:2: rpi1 ansible_port: port 99999 is out of range (use a port between 1 and 65535)',
);
test(
  'a port that is not a number',
  refuses,
  '[pis:vars]\nansible_port=ssh\n[pis]\nrpi1\n',
  "hosts.ini:2: [pis:vars] ansible_port: must be a positive integer, got 'ssh' (use a port between 1 and 65535)",
);
test(
  'a host ending in a colon',
  refuses,
  '[pis]\nrpi1:\n',
  "hosts.ini:2: rpi1:: host 'rpi1:' ends in ':' (a colon after a host name gives its port, e.g. rpi1:2222)",
);
test(
  "bad cores in a group's vars",
  refuses,
  '[pis]\nrpi1\n[pis:vars]\ncores=many\n',
  "hosts.ini:4: [pis:vars] cores: must be a positive integer, got 'many' (cores is how many trees the host trains at once)",
);
test(
  'labels whose quotes the host line ate',
  refuses,
  "[pis]\nrpi1 labels=['pi', 'fast']\n",
  'hosts.ini:2: rpi1 labels: labels must be a list, got "[pi," (write labels="[\'pi\']": a Python list, quoted as a whole on a host line)',
);
test(
  'labels as a bare word in vars',
  refuses,
  '[pis]\nrpi1\n[pis:vars]\nlabels=pi4\n',
  'hosts.ini:4: [pis:vars] labels: labels must be a list, got "pi4" (write labels=[\'pi4\']: a Python list)',
);
test(
  'a connection that cannot start a worker',
  refuses,
  '[boxes]\nbox ansible_connection=docker\n',
  "hosts.ini:2: box ansible_connection: ansible_connection 'docker' cannot start a worker (use ssh or local)",
);
test(
  'a group that contains itself',
  refuses,
  '[a:children]\nb\n[b:children]\na\n[a]\nx\n',
  "hosts.ini:1: [a]: group 'a' is its own ancestor (a > b > a) (a group cannot contain itself)",
);
test(
  'no hosts at all',
  refuses,
  '# nothing yet\n[pis]\n',
  'hosts.ini:1: no hosts (add a host line, e.g. [pis] then rpi1 ansible_host=192.168.1.101)',
);

const typed = test.macro({
  exec(t, text: string, expected: unknown) {
    t.deepEqual(parsePythonValue(text), expected);
  },
  title: (title, text) => `values typed as Ansible types them: ${String(text).slice(0, 20)} ${title ?? ''}`,
});
for (const [text, expected] of [
  ['4', 4],
  ['-2.5', -2.5],
  ['1_000', 1000],
  ["'pi'", 'pi'],
  ['"a b"', 'a b'],
  ['True', true],
  ['None', null],
  ["['a', 'b']", ['a', 'b']],
  ["('a',)", ['a']],
  ["{'k': 1}", {k: 1}],
  ['4 # four', 4],
  ['pi', 'pi'],
  ['010', '010'],
  ['[pi]', '[pi]'],
  ['~/.ssh/id', '~/.ssh/id'],
  ['1.2.3.4', '1.2.3.4'],
  ['['.repeat(5000), '['.repeat(5000)],
  ["[1, 'a'", "[1, 'a'"],
] as const) {
  test(typed, text, expected);
}

const recognised = test.macro({
  exec(t, file: string, text: string, ini: boolean) {
    t.is(isIniInventory(file, text), ini);
  },
  title: (title, file, _text, ini) => `${file} is read as ${ini ? 'INI' : 'YAML'}: ${title ?? ''}`,
});
test('a .ini file', recognised, 'hosts.ini', 'all:\n', true);
test("Ansible's hosts file", recognised, 'hosts', '[pis]\nrpi1\n', true);
test('only ungrouped hosts', recognised, 'hosts', 'rpi1 ansible_host=10.0.0.1\nrpi2:2222\n', true);
test('a YAML inventory with no extension', recognised, 'hosts', '# mine\nall:\n  hosts:\n    rpi1:\n', false);
test('our own inventory', recognised, 'inventory.yaml', 'hosts:\n  a: { transport: local }\n', false);
test('a YAML flow mapping', recognised, 'inventory', '{hosts: {a: {transport: local}}}\n', false);
test('INI text in a .yaml file', recognised, 'hosts.yaml', '[pis]\nrpi1\n', true);
test('a broken YAML file stays YAML', recognised, 'inventory.yaml', 'hosts: [\n', false);
