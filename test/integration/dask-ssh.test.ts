import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {listenersOf, listensEverywhere} from '../helpers/listeners.js';
import {waitFor} from '../helpers/processes.js';
import {sshdUnavailable, startSshd, type TestSshd} from '../helpers/sshd.js';

// The dask engine over SSH to a real OpenSSH server on 127.0.0.1. Under CI these must run.
const unavailable = sshdUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`the SSH tests must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the dask SSH tests: ${unavailable}`);
const test = (unavailable ? anyTest.serial.skip : anyTest.serial) as TestFn['serial'];

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

let sshd: TestSshd;
anyTest.before(async () => {
  if (!unavailable) sshd = await startSshd();
});
anyTest.after.always(async () => {
  await sshd?.stop();
});

function home(hostFields = ''): string {
  const folder = folderWith({
    'no-dask-python':
      '#!/bin/sh\n# Without site-packages: no numpy, scikit-learn or dask.\nexec /usr/bin/python3 -S "$@"\n',
  });
  chmodSync(join(folder, 'no-dask-python'), 0o755);
  hostFields = hostFields.replace('FOLDER', folder);
  for (const [name, text] of Object.entries({
    known_hosts: `${sshd.hostKeyLine()}\n`,
    'inventory.yaml': `knownHosts: known_hosts
defaults: { user: root, identityFile: ${sshd.userKey} }
hosts:
  dask-ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1${hostFields} }
  dask-ssh-b: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }
`,
    'experiments/local.yaml': `dataset: { kind: synthetic, samples: 2000, features: 8, informative: 4, seed: 3 }
forest: { trees: 24, seed: 1 }
combinations: [[dask-ssh-a], [dask-ssh-a, dask-ssh-b]]
runs: 1
warmup: 0
engine: dask
`,
  })) {
    mkdirSync(join(folder, name, '..'), {recursive: true});
    writeFileSync(join(folder, name), text);
  }
  return folder;
}

const run = (args: string[], folder: string) => cluster(args, folder, {HOME: folder, SSH_AUTH_SOCK: undefined});

test('the dask engine over SSH: a worker per host, told the scheduler as the host reaches it, none left after', async (t) => {
  const folder = home();
  const bench = run(['bench', '--json'], folder);
  // Seen while it runs: each worker's private folder (its working directory), and what every process listens on.
  let ended = false;
  void bench.finally(() => (ended = true));
  const folders = new Set<string>();
  const wide: string[] = [];
  await waitFor(() => {
    for (const {pid, command} of daskWorkers()) {
      folders.add(readlinkSync(`/proc/${pid}/cwd`));
      wide.push(
        ...listenersOf(pid)
          .filter(listensEverywhere)
          .map((l) => `${command}: ${l.address}:${l.port}`),
      );
    }
    return folders.size === 2 || ended;
  });
  const result = await bench;
  t.is(result.exitCode, 0, result.stderr);
  t.is(folders.size, 2, 'each worker ran in a folder of its own');
  for (const path of folders) {
    t.regex(path, /\/cluster-dask-\w{6}$/);
    t.false(existsSync(path), `the worker's folder ${path}, with its key, is removed`);
  }
  t.deepEqual(wide, [], 'no worker listens on every address');
  const json = JSON.parse(result.stdout);
  t.is(json.engine, 'dask');
  t.deepEqual(
    json.rows.map((row: {status: string}) => row.status),
    ['ok', 'ok'],
  );
  const two = json.rows[1].runs[0];
  t.deepEqual(
    two.hosts.map((host: {host: string}) => host.host),
    ['dask-ssh-a', 'dask-ssh-b'],
  );
  t.is(
    two.hosts.reduce((sum: number, host: {items: number}) => sum + host.items, 0),
    24,
  );
  t.true(json.rows[1].accuracy > 0.8);
  t.deepEqual(leftovers(), [], 'no dask worker is left on the host');
});

test('the coordinator killed mid-fit: each SSH host stops its worker and removes its folder, with the key in it', async (t) => {
  const folder = home();
  const experiment = join(folder, 'experiments/local.yaml');
  writeFileSync(
    experiment,
    readFileSync(experiment, 'utf8')
      .replace('trees: 24', 'trees: 20000')
      .replace('combinations: [[dask-ssh-a], [dask-ssh-a, dask-ssh-b]]', 'combinations: [[dask-ssh-a, dask-ssh-b]]'),
  );
  // The coordinator's own folder cannot go with it under SIGKILL: kept out of /tmp.
  const tmp = mkdtempSync(join(tmpdir(), 'dask-ssh-killed-'));
  const bench = execa(process.execPath, [RUN, 'bench'], {
    cwd: folder,
    reject: false,
    env: {HOME: folder, SSH_AUTH_SOCK: undefined, TMPDIR: tmp},
  });
  t.teardown(() => rmSync(tmp, {recursive: true, force: true}));
  t.teardown(() => void bench.kill('SIGKILL'));
  const folders = await waitFor(() => {
    const seen = new Set(daskWorkers().map(({pid}) => readlinkSync(`/proc/${pid}/cwd`)));
    return seen.size === 2 ? seen : undefined;
  });
  // Nothing of the coordinator runs after SIGKILL: only the hosts' own scripts can clean up, as their SSH sessions end.
  bench.kill('SIGKILL');
  await bench;
  await waitFor(
    () => ([...folders].every((path) => !existsSync(path)) && leftovers().length === 0) || undefined,
    60_000,
  ).catch(() => undefined);
  for (const path of folders) t.false(existsSync(path), `${path} is removed`);
  t.deepEqual(leftovers(), [], 'no dask worker is left on the host');
});

const INSTALL =
  'sudo apt install python3-sklearn python3-distributed (Debian, Raspberry Pi OS), or: python3 -m pip install scikit-learn distributed';

test('a host whose python has no dask: bench refuses it before anything runs, provision --engine dask with the install command', async (t) => {
  const folder = home(', python: FOLDER/no-dask-python');
  const refused = `host dask-ssh-a: ${folder}/no-dask-python cannot run the dask engine (ModuleNotFoundError: No module named 'dask'); install scikit-learn and dask/distributed: ${INSTALL}`;
  const bench = await run(['bench'], folder);
  t.is(bench.stderr, `Error: ${refused}\n`);
  t.is(bench.exitCode, 3);
  t.false(existsSync(join(folder, 'results')), 'nothing ran');
  const provision = await run(['provision', '--engine', 'dask'], folder);
  t.is(provision.exitCode, 3, provision.stderr);
  t.regex(provision.stdout, /│ dask-ssh-a +│ FAILED +│/);
  t.regex(provision.stdout, /│ dask-ssh-b +│ ok +│ \/\S+python3 3\.\d+\.\d+ +│ \d+\.\d+\.\d+ +│/);
  t.true(provision.stdout.includes(`Error: ${refused}\n`));
});

test('a python that is not there on an SSH host is bad input, pointing at the inventory line', async (t) => {
  const folder = home(', python: /nonexistent/python3');
  const result = await run(['bench'], folder);
  t.is(
    result.stderr,
    "Error: inventory.yaml:4: hosts.dask-ssh-a.python: python '/nonexistent/python3' is not there on dask-ssh-a (name an installed python3, or remove python: to use the first python3 that imports sklearn and distributed)\n",
  );
  t.is(result.exitCode, 2);
});

/** The nannies of dask workers started for these tests' hosts (the processes the worker script started). */
function daskWorkers(): {pid: number; command: string}[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return /^\S*python3? -m distributed\.cli\.dask_worker .*--name dask-ssh-/.test(command)
          ? [{pid: Number(pid), command}]
          : [];
      } catch {
        return [];
      }
    });
}

/** Dask workers started for these tests' hosts, wherever they run on this machine. */
function leftovers(): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return /dask_worker.*--name dask-ssh-/.test(command) ? [command] : [];
      } catch {
        return [];
      }
    });
}
