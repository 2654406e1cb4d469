import {existsSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import test from 'ava';
import {ClusterError, describeError, ERROR_KINDS, errorJson, HostError, InputError} from '../../src/errors.js';
import {LabError} from '../../src/lab/system.js';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

test('one table gives each kind of error its exit code', (t) => {
  t.deepEqual(Object.fromEntries(Object.entries(ERROR_KINDS).map(([kind, {exitCode}]) => [kind, exitCode])), {
    internal: 1,
    input: 2,
    host: 3,
    noise: 4,
    lab: 5,
    interrupted: 130,
  });
  t.is(new InputError({file: 'f', problem: 'p'}).exitCode, 2);
  t.is(new HostError('a', 'p').exitCode, 3);
  t.is(new LabError('the lab needs root').exitCode, 5, 'a lab that cannot be built is not a bug');
  t.is(new ClusterError('x', 'internal').exitCode, 1);
});

test('a host error keeps its host as a field; the sentence is written once, for the user', (t) => {
  const error = new HostError('rpi1', 'worker exited (exit code 1)', 'line one\nError: boom\n', 'exited');
  t.like(error, {
    host: 'rpi1',
    kind: 'host',
    reason: 'exited',
    message: 'worker exited (exit code 1) (worker stderr: Error: boom)',
  });
  t.is(describeError(error), 'host rpi1: worker exited (exit code 1) (worker stderr: Error: boom)');
  t.deepEqual(errorJson(error), {
    error: {
      kind: 'host',
      message: 'host rpi1: worker exited (exit code 1) (worker stderr: Error: boom)',
      exitCode: 3,
      host: 'rpi1',
      reason: 'exited',
    },
  });
});

test("a host error shows its host's words escaped, wherever its message goes", (t) => {
  const error = new HostError(
    'rpi1',
    'worker failed: \x1b]0;title\x07',
    '\x1b[2J\x1b[HFAKE PROMPT: password for root:\r\n',
    'exited',
  );
  t.is(
    error.message,
    'worker failed: \\x1b]0;title\\x07 (worker stderr: \\x1b[2J\\x1b[HFAKE PROMPT: password for root:)',
  );
});

const flagError = test.macro({
  async exec(t, args: string[], message: string) {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
    const plain = await cluster(args, folder);
    t.is(plain.exitCode, 2);
    t.is(plain.stderr, `Error: ${message}\n`);
    t.is(plain.stdout, '');
    const json = await cluster([...args, '--json'], folder);
    t.is(json.exitCode, 2);
    t.deepEqual(JSON.parse(json.stdout), {error: {kind: 'input', message, exitCode: 2}});
    t.is(json.stderr, '');
  },
  title: (name = '') => `oclif's flag errors are ours: ${name}`,
});

test('an unknown flag', flagError, ['bench', '--bogus'], 'Nonexistent flag: --bogus (see: cluster bench --help)');
test(
  'missing required flags',
  flagError,
  ['train'],
  'missing required flag --data; missing required flag --target (see: cluster train --help)',
);
test(
  'a value not among the choices',
  flagError,
  ['bench', '--schedule', 'nope'],
  'Expected --schedule=nope to be one of: dynamic, static-cores, static-calibrated (see: cluster bench --help)',
);
test(
  'a value that is not an integer',
  flagError,
  ['train', '--data', 'd.csv', '--target', 'y', '--trees', 'many'],
  '--trees: Expected an integer but received: many (see: cluster train --help)',
);
test(
  'an empty --results-dir (was an internal error)',
  flagError,
  ['bench', '--results-dir', ''],
  '--results-dir is empty: give it a value, or leave the flag out (see: cluster bench --help)',
);
test(
  'an empty --out, refused before the fit',
  flagError,
  ['train', '--data', 'd.csv', '--target', 'y', '--out', ''],
  '--out is empty: give it a value, or leave the flag out (see: cluster train --help)',
);
test(
  'an empty --resume (was a new sweep)',
  flagError,
  ['bench', '--resume', ''],
  '--resume is empty: give it a value, or leave the flag out (see: cluster bench --help)',
);
test('an empty argument', flagError, ['analyze', ''], 'FILE is empty: give it a value (see: cluster analyze --help)');
test(
  '--hosts of commas only (chose every host)',
  flagError,
  ['bench', '--hosts', ','],
  "--hosts: ',' names no host (hosts in inventory.yaml: local-a, local-b)",
);
test(
  'a seed past 32 bits',
  flagError,
  ['train', '--data', 'd.csv', '--target', 'y', '--seed', '4294967296'],
  '--seed: Expected an integer less than or equal to 4294967295 but received: 4294967296 (see: cluster train --help)',
);
test(
  'a missing argument, named with what it is',
  flagError,
  ['analyze'],
  'missing required argument FILE (a results CSV (hardware and measured_s columns) or JSON written by cluster bench) (see: cluster analyze --help)',
);
test(
  'a command given a word it does not take',
  flagError,
  ['status', 'extra'],
  "cluster status: unexpected argument 'extra' (see: cluster status --help)",
);
test(
  'a mistyped command',
  flagError,
  ['bnech'],
  'cluster bnech: unknown command (did you mean: cluster bench? all commands: cluster help)',
);

test("oclif's note on flags of several values is kept only where such a flag was given", async (t) => {
  const note = await cluster(['analyze', '--predict', '2 x pi'], folderWith());
  t.is(note.exitCode, 2);
  t.regex(
    note.stderr,
    /^Error: missing required argument FILE \(.*\); Note: --predict allows multiple values\. .*\(see: cluster analyze --help\)\n$/,
  );
});

test('--latency without a lab is bad input, refused before anything runs', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const result = await cluster(['bench', '--latency', '5ms', '--lab', 'no-lab-here'], folder);
  t.is(result.exitCode, 2);
  t.is(
    result.stderr,
    `Error: --latency: no lab is up in ${join(folder, 'no-lab-here')} (start one with ${process.getuid?.() === 0 ? '' : 'sudo '}cluster lab up, or name its folder with --lab)\n`,
  );
  t.false(existsSync(join(folder, 'results')), 'nothing ran');
});

test("status: a host that is not ready exits 3 through the table, with every host's status still printed", async (t) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as {port: number}).port;
  await new Promise((resolve) => closed.close(resolve));
  const folder = folderWith({
    'inventory.yaml': `hosts:\n  local-a: { transport: local }\n  down: { address: 127.0.0.1, port: ${port} }\n`,
  });
  const plain = await cluster(['status'], folder);
  t.is(plain.exitCode, 3);
  t.regex(plain.stdout, /│ local-a +│ local +│/);
  t.regex(plain.stdout, /\nError: host down: \S.*\n$/, 'each failing host has its line under the table');
  t.is(plain.stderr, 'Error: 1 of 2 hosts not ready: down\n');
  const json = await cluster(['status', '--json'], folder);
  t.is(json.exitCode, 3);
  t.like(JSON.parse(json.stdout), [
    {host: 'local-a', ready: true},
    {host: 'down', ready: false},
  ]);
});
