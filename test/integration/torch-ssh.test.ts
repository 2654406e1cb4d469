import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {waitFor} from '../helpers/processes.js';
import {sshdUnavailable, startSshd, type TestSshd} from '../helpers/sshd.js';

// The torch engine over SSH to a real OpenSSH server on 127.0.0.1, with Debian's python3-torch. Under CI these must run.
const unavailable = sshdUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`the SSH tests must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the torch SSH tests: ${unavailable}`);
const test = (unavailable ? anyTest.serial.skip : anyTest.serial) as TestFn['serial'];

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

let sshd: TestSshd;
anyTest.before(async () => {
  if (!unavailable) sshd = await startSshd();
});
anyTest.after.always(async () => {
  await sshd?.stop();
});

function home(epochs: number, combinations: string): string {
  const folder = folderWith({});
  for (const [name, text] of Object.entries({
    known_hosts: `${sshd.hostKeyLine()}\n`,
    'inventory.yaml': `knownHosts: known_hosts
defaults: { user: root, identityFile: ${sshd.userKey} }
hosts:
  torch-ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }
  torch-ssh-b: { address: 127.0.0.1, port: ${sshd.port} }
  torch-local: { transport: local, cores: 1 }
`,
    'experiments/local.yaml': `workload: network
dataset: { kind: synthetic, samples: 3000, features: 10, informative: 5, classes: 3, seed: 4 }
network: { layers: [24], epochs: ${epochs}, batchSize: 100, learningRate: 0.003, optimizer: adam, seed: 2 }
combinations: ${combinations}
runs: 1
warmup: 0
engine: torch
`,
  })) {
    mkdirSync(join(folder, name, '..'), {recursive: true});
    writeFileSync(join(folder, name), text);
  }
  return folder;
}

test('the torch engine over SSH hosts, and a local host beside one: every row trains, no rank is left', async (t) => {
  const folder = home(15, '[[torch-ssh-a], [torch-ssh-a, torch-ssh-b], [torch-local, torch-ssh-a]]');
  const result = await cluster(['bench', '--json'], folder, {HOME: folder, SSH_AUTH_SOCK: undefined});
  t.is(result.exitCode, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  t.is(json.engine, 'torch');
  t.deepEqual(
    json.rows.map((row: {status: string}) => row.status),
    ['ok', 'ok', 'ok'],
  );
  for (const row of json.rows) t.true(row.accuracy > 0.6, `${row.hardware}: accuracy ${row.accuracy}`);
  // An SSH host without cores in the inventory runs a thread per CPU, as its native worker would.
  const pair = json.rows[1].runs[0];
  t.deepEqual(
    pair.hosts.map((host: {host: string; cores: number}) => [host.host, host.cores]),
    [
      ['torch-ssh-a', 1],
      ['torch-ssh-b', 2],
    ],
  );
  t.deepEqual(ranksOf(/torch-ssh-|torch-local/), []);
});

test('the coordinator killed mid-run: each SSH host ends its rank as its SSH session ends', async (t) => {
  const folder = home(100_000, '[[torch-ssh-a, torch-ssh-b]]');
  const bench = execa(process.execPath, [RUN, 'bench'], {
    cwd: folder,
    reject: false,
    env: {HOME: folder, SSH_AUTH_SOCK: undefined},
  });
  t.teardown(() => void bench.kill('SIGKILL'));
  await waitFor(() => (ranksOf(/torch-ssh-/).length === 2 ? true : undefined), 120_000);
  // Nothing of the coordinator runs after SIGKILL: each rank sees its input end and exits.
  bench.kill('SIGKILL');
  await bench;
  await waitFor(() => (ranksOf(/torch-ssh-/).length === 0 ? true : undefined), 60_000).catch(() => undefined);
  t.deepEqual(ranksOf(/torch-ssh-/), [], 'no torch rank is left on the host');
});

/** Torch ranks on this machine whose host name (the last word of the command line) matches. */
function ranksOf(host: RegExp): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        const isRank = argv.some((arg) => arg.includes('torch_driver.py')) && argv.at(-2) === 'rank';
        return isRank && host.test(argv.at(-1)!) ? [`${pid}: ${argv.at(-1)}`] : [];
      } catch {
        return [];
      }
    });
}
