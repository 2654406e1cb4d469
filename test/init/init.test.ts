import {existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {availableParallelism} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {loadExperiment} from '../../src/config/experiment.js';
import {loadInventory} from '../../src/config/inventory.js';
import {cluster} from '../helpers/cli.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';

test('init writes an inventory of this machine and a first experiment; a second init refuses to overwrite them', async (t) => {
  const folder = folderWith();
  const first = await cluster(['init'], folder);
  t.is(first.exitCode, 0, first.stderr);
  t.is(
    first.stdout,
    'Wrote inventory.yaml\nWrote experiments/local.yaml\nNext: cluster bench   (then: cluster status, cluster help)\n',
  );
  const inventory = loadInventory(join(folder, 'inventory.yaml'));
  const cores = Math.max(1, Math.floor(availableParallelism() / 2));
  t.deepEqual(
    [...inventory.hosts.values()].map((host) => [host.name, host.transport, host.cores]),
    [
      ['local-a', 'local', cores],
      ['local-b', 'local', cores],
    ],
  );
  t.regex(
    readFileSync(join(folder, 'inventory.yaml'), 'utf8'),
    /^# {3}rpi1: \{ address: 192\.168\.1\.101, cores: 4, labels: \[raspberry-pi\] \}$/m,
    "the paper's cluster as a commented example",
  );
  const experiment = loadExperiment(join(folder, 'experiments/local.yaml'));
  t.deepEqual(experiment.combinations, [], 'the sweep takes its combinations from the inventory');

  writeFileSync(join(folder, 'inventory.yaml'), TWO_LOCAL_HOSTS);
  const second = await cluster(['init'], folder);
  t.is(second.exitCode, 2);
  t.is(
    second.stderr,
    'Error: cluster init: inventory.yaml and experiments/local.yaml already exist; nothing written (pass --force to overwrite them)\n',
  );
  t.is(readFileSync(join(folder, 'inventory.yaml'), 'utf8'), TWO_LOCAL_HOSTS);

  const forced = await cluster(['init', '--force'], folder);
  t.is(forced.exitCode, 0, forced.stderr);
  t.not(readFileSync(join(folder, 'inventory.yaml'), 'utf8'), TWO_LOCAL_HOSTS);
});

test("init keeps a user's own inventory and writes what is missing, into a new folder", async (t) => {
  const folder = folderWith({'cluster/inventory.yaml': TWO_LOCAL_HOSTS});
  const result = await cluster(['init', 'cluster'], folder);
  t.is(result.exitCode, 0, result.stderr);
  t.is(
    result.stdout,
    'Wrote experiments/local.yaml\nKept inventory.yaml (it exists; --force overwrites it)\nNext: cd cluster && cluster bench   (then: cluster status, cluster help)\n',
  );
  t.is(readFileSync(join(folder, 'cluster/inventory.yaml'), 'utf8'), TWO_LOCAL_HOSTS);
  const blocked = await cluster(['init', 'cluster/inventory.yaml/sub'], folder);
  t.is(blocked.exitCode, 2);
  t.is(
    blocked.stderr,
    'Error: cluster/inventory.yaml/sub/inventory.yaml: cannot write it (ENOTDIR) (choose a folder you can write to: cluster init DIR)\n',
  );
  const made = await cluster(['init', 'new/folder', '--json'], folder);
  t.deepEqual(JSON.parse(made.stdout), {written: ['inventory.yaml', 'experiments/local.yaml'], kept: []});
  t.true(existsSync(join(folder, 'new/folder/experiments/local.yaml')));
});

test('in an empty folder, bench and status point at cluster init', async (t) => {
  const folder = folderWith();
  for (const command of ['bench', 'status']) {
    const result = await cluster([command], folder);
    t.is(result.exitCode, 2);
    t.regex(
      result.stderr,
      /^Error: inventory\.yaml: inventory file not found \(run: cluster init \(writes inventory\.yaml for this machine\), or pass --inventory FILE; an example with SSH hosts: \/\S+\/inventory\.example\.yaml\)\n$/,
    );
  }
});

test('an Ansible inventory in hosts.yml: init keeps it, status reads it, and the INI form too', async (t) => {
  const ansible =
    'all:\n  children:\n    here:\n      vars: { ansible_connection: local }\n      hosts:\n        node[1:2]:\n';
  const folder = folderWith({'hosts.yml': ansible, 'ini/hosts': '[here]\nini[1:2] ansible_connection=local\n'});
  const init = await cluster(['init'], folder);
  t.is(
    init.stdout,
    'Wrote experiments/local.yaml\nKept hosts.yml (it exists; --force writes inventory.yaml, read before it)\nNext: cluster bench   (then: cluster status, cluster help)\n',
  );
  const status = await cluster(['status', '--hosts', 'here', '--json'], folder);
  t.is(status.exitCode, 0, status.stderr);
  t.deepEqual(
    JSON.parse(status.stdout).map((host: {host: string}) => host.host),
    ['node1', 'node2'],
  );
  const ini = await cluster(['status', '--inventory', 'ini/hosts', '--json'], folder);
  t.is(ini.exitCode, 0, ini.stderr);
  t.deepEqual(
    JSON.parse(ini.stdout).map((host: {host: string}) => host.host),
    ['ini1', 'ini2'],
  );
});

// init followed a dangling inventory.yaml link and created its target; --force overwrote the file a link points to.
test('init writes no file through a link: a dangling link is refused, a link to a file is kept, --force replaces the link itself', async (t) => {
  const elsewhere = folderWith({'mine.yaml': TWO_LOCAL_HOSTS});
  const dangling = join(elsewhere, 'created-by-init.yaml');
  const folder = folderWith();
  symlinkSync(dangling, join(folder, 'inventory.yaml'));
  const refused = await cluster(['init'], folder);
  t.is(
    refused.stderr,
    `Error: inventory.yaml: is a symbolic link to ${dangling}, which does not exist: writing the file would create it there (remove the link, or pass --force to replace the link itself with a new file)\n`,
  );
  t.is(refused.exitCode, 2);
  t.false(existsSync(dangling), 'the target was not created');
  t.deepEqual(readdirSync(folder), ['inventory.yaml'], 'nothing else was written either');

  const forced = await cluster(['init', '--force'], folder);
  t.is(forced.exitCode, 0, forced.stderr);
  t.false(existsSync(dangling), 'the target was not created');
  t.true(lstatSync(join(folder, 'inventory.yaml')).isFile(), 'the link was replaced by a file');

  const linked = folderWith();
  symlinkSync(join(elsewhere, 'mine.yaml'), join(linked, 'inventory.yaml'));
  const kept = await cluster(['init'], linked);
  t.is(kept.exitCode, 0, kept.stderr);
  t.regex(kept.stdout, /^Wrote experiments\/local\.yaml\nKept inventory\.yaml/);
  const replaced = await cluster(['init', '--force'], linked);
  t.is(replaced.exitCode, 0, replaced.stderr);
  t.is(readFileSync(join(elsewhere, 'mine.yaml'), 'utf8'), TWO_LOCAL_HOSTS, 'the file the link points to is untouched');
  t.true(lstatSync(join(linked, 'inventory.yaml')).isFile(), 'the link itself was replaced');
  t.deepEqual(readdirSync(elsewhere).sort(), ['mine.yaml']);
});

test("init refuses a folder at a file's name, and a link at the experiments folder, with or without --force", async (t) => {
  for (const force of [[], ['--force']]) {
    const folder = folderWith({'inventory.yaml/keep': 'x'});
    const result = await cluster(['init', ...force], folder);
    t.is(
      result.stderr,
      'Error: inventory.yaml: is a folder, where init writes a file (move the folder away, or run cluster init in another folder)\n',
    );
    t.is(result.exitCode, 2);
    t.deepEqual(readdirSync(folder), ['inventory.yaml']);

    const elsewhere = folderWith();
    const linked = folderWith();
    symlinkSync(elsewhere, join(linked, 'experiments'));
    const through = await cluster(['init', ...force], linked);
    t.is(
      through.stderr,
      `Error: experiments: is a symbolic link to ${elsewhere}: init makes this folder itself, and writes nothing through a link (remove the link, or run cluster init in another folder)\n`,
    );
    t.is(through.exitCode, 2);
    t.deepEqual(readdirSync(elsewhere), []);
    t.deepEqual(readdirSync(linked), ['experiments']);
  }
});

test('init refuses a link to a folder as it refuses a folder, and calls a loop of links a loop, under any inventory name', async (t) => {
  const cases: Array<[string, string, string]> = [
    [
      'inventory.yaml',
      'elsewhere',
      'is a symbolic link to elsewhere, a folder, where init writes a file (remove the link, or run cluster init in another folder)',
    ],
    [
      'hosts.yml',
      'elsewhere',
      'is a symbolic link to elsewhere, a folder, where init writes a file (remove the link, or run cluster init in another folder)',
    ],
    [
      'inventory.yaml',
      'inventory.yaml',
      'is a symbolic link to inventory.yaml: a loop of links, which leads to no file (remove the link, or pass --force to replace the link itself with a new file)',
    ],
  ];
  for (const [name, target, problem] of cases) {
    const dir = folderWith({'elsewhere/keep.txt': 'x\n'});
    symlinkSync(target, join(dir, name));
    const refused = await cluster(['init'], dir);
    t.is(refused.stderr, `Error: ${name}: ${problem}\n`, `${name} -> ${target}`);
    t.is(refused.exitCode, 2);
    t.is(refused.stdout, '');
    t.deepEqual(readdirSync(dir).sort(), ['elsewhere', name].sort(), 'nothing was written');
  }
});
