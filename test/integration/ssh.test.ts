import {createHash} from 'node:crypto';
import {availableParallelism} from 'node:os';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import {createServer as createHttpServer} from 'node:http';
import {createServer, type Server} from 'node:net';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import {loadInventory} from '../../src/config/inventory.js';
import {selectHosts} from '../../src/config/select-hosts.js';
import {trainForest} from '../../src/coordinator/train-forest.js';
import {trainNetworkAcross} from '../../src/coordinator/train-network.js';
import {DEFAULT_NETWORK} from '../../src/network/spec.js';
import {standardisationOf, standardise} from '../../src/network/standardise.js';
import {trainNetwork} from '../../src/network/train-here.js';
import type {WorkerClient} from '../../src/coordinator/worker-client.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {dynamicSchedule} from '../../src/schedule/dynamic.js';
import {cluster} from '../helpers/cli.js';
import {clusterOnPath} from '../helpers/faults.js';
import {folderWith} from '../helpers/files.js';
import {crashAlone} from '../helpers/crash.js';
import {startAgent} from '../helpers/ssh-agent.js';
import {freePort, type HostKeyName, sshdUnavailable, startSshd, type TestSshd} from '../helpers/sshd.js';

// Against a real OpenSSH server on 127.0.0.1. Under CI these must run; elsewhere they skip, saying why.
const unavailable = sshdUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`the SSH tests must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the SSH tests: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest) as TestFn;
const serial = (unavailable ? anyTest.serial.skip : anyTest.serial) as TestFn['serial'];

let sshd: TestSshd;
anyTest.before(async () => {
  if (!unavailable) sshd = await startSshd();
});
anyTest.after.always(async () => {
  await sshd?.stop();
});

/** A folder that is the user's HOME, with an inventory of ssh hosts on the test server and a local one. */
function home(options: {hosts?: string; knownHosts?: string; connectTimeout?: number} = {}): string {
  const folder = folderWith({
    'inventory.yaml': `knownHosts: known_hosts
connectTimeout: ${options.connectTimeout ?? 5}
defaults: { user: root, identityFile: ${sshd.userKey} }
hosts:
${
  options.hosts ??
  `  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }
  ssh-b: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }
  local-a: { transport: local, cores: 1 }`
}
`,
    'experiments/ssh.yaml': `dataset: { kind: synthetic, samples: 1500, features: 10, informative: 5, seed: 3 }
forest: { trees: 12 }
combinations: [[local-a], [ssh-a], [ssh-a, ssh-b], [ssh-a, local-a]]
runs: 1
warmup: 0
`,
  });
  if (options.knownHosts !== undefined) writeFileSync(join(folder, 'known_hosts'), options.knownHosts);
  return folder;
}

// The "global" known_hosts files are the test's own: the machine's /etc/ssh is neither read nor written.
const globalFiles = (folder: string) => [join(folder, 'ssh_known_hosts'), join(folder, 'ssh_known_hosts2')];
const run = (args: string[], folder: string) =>
  cluster(args, folder, {
    HOME: folder,
    SSH_AUTH_SOCK: undefined,
    CLUSTER_GLOBAL_KNOWN_HOSTS: globalFiles(folder).join(' '),
  });

/** A command line the CLI printed, pasted into a shell in `folder` (the user's HOME), with this build as `cluster`. */
const pasteHere = async (command: string, folder: string) => {
  const result = await execa('sh', ['-c', command], {
    cwd: folder,
    reject: false,
    env: {
      ...clusterOnPath(folder),
      HOME: folder,
      SSH_AUTH_SOCK: undefined,
      NO_COLOR: '1',
      CLUSTER_GLOBAL_KNOWN_HOSTS: globalFiles(folder).join(' '),
    },
  });
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)};
};

// bench and train have no --accept-new: the hint names a command that has it, and pasted it records the key.
serial(
  'an unknown host key refused by bench, train and provision --engine dask: the hint, pasted, records it',
  async (t) => {
    const folder = home({hosts: `  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }`});
    writeFileSync(join(folder, 'd.csv'), 'a,y\n1,x\n2,y\n3,x\n4,y\n');
    copyFileSync(join(folder, 'inventory.yaml'), join(folder, 'pis.yaml'));
    writeFileSync(
      join(folder, 'experiments/one.yaml'),
      'dataset: { kind: synthetic, samples: 300 }\nforest: { trees: 4 }\ncombinations: [[ssh-a]]\nruns: 1\nwarmup: 0\n',
    );
    for (const args of [
      ['bench', '--experiment', 'experiments/one.yaml'],
      ['train', '--data', 'd.csv', '--target', 'y', '--hosts', 'ssh-a'],
    ]) {
      const refused = await run([...args, '--inventory', 'pis.yaml'], folder);
      t.is(refused.exitCode, 3, refused.stderr);
      const hint = /with: (cluster status .*)$/m.exec(refused.stderr + refused.stdout)?.[1];
      t.is(hint, 'cluster status --inventory pis.yaml --hosts ssh-a --accept-new', refused.stderr);
    }
    const pasted = await pasteHere('cluster status --inventory pis.yaml --hosts ssh-a --accept-new', folder);
    // Reachable now; whether it is ready is the worker's business (not installed here).
    t.regex(pasted.stdout, /│ ssh-a +│ yes /, pasted.stderr);
    t.is(readFileSync(join(folder, 'known_hosts'), 'utf8'), `${sshd.hostKeyLine().trim()}\n`);
    // provision --engine dask --accept-new records an unknown key as plain provision does.
    writeFileSync(join(folder, 'known_hosts'), '');
    const dask = await run(['provision', '--engine', 'dask', '--accept-new', '--hosts', 'ssh-a', '--json'], folder);
    t.notRegex(dask.stdout, /host-key-unknown/, dask.stdout);
    t.is(readFileSync(join(folder, 'known_hosts'), 'utf8'), `${sshd.hostKeyLine().trim()}\n`);
  },
);

serial('an unknown host key is refused with its fingerprint, then recorded with --accept-new', async (t) => {
  const folder = home();
  const refused = await run(['provision', '--hosts', 'ssh-a'], folder);
  t.is(refused.exitCode, 3);
  t.regex(
    refused.stdout,
    new RegExp(
      `Error: host ssh-a: host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} is not known: ssh-ed25519 key SHA256:[A-Za-z0-9+/]{43}; check it, then record it in ${join(folder, 'known_hosts')} with: cluster status --hosts ssh-a --accept-new\\n`,
    ),
  );
  const accepted = await run(['provision', '--hosts', 'ssh-a', '--accept-new'], folder);
  t.is(accepted.exitCode, 0, accepted.stdout + accepted.stderr);
  t.is(readFileSync(join(folder, 'known_hosts'), 'utf8'), `${sshd.hostKeyLine().trim()}\n`);
});

serial('provision installs the worker once; a second provision sends nothing; status shows it ready', async (t) => {
  const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
  rmSync(join(sshd.folder, 'cache', 'cluster'), {recursive: true, force: true});
  const first = await run(['provision', '--json'], folder);
  t.is(first.exitCode, 0, first.stdout);
  const firstResults = JSON.parse(first.stdout);
  t.deepEqual(
    firstResults.map((r: {host: string; ok: boolean; error: null}) => [r.host, r.ok, r.error]),
    [
      ['ssh-a', true, null],
      ['ssh-b', true, null],
      ['local-a', true, null],
    ],
  );
  t.true(firstResults.every((r: {bytesTransferred: number}) => 'bytesTransferred' in r));
  const bundle = readFileSync(new URL('../../worker.mjs', import.meta.url));
  const sent = firstResults[0].bytesTransferred + firstResults[1].bytesTransferred;
  t.true(sent === bundle.length || sent === 2 * bundle.length, `sent ${sent}`);

  const second = await run(['provision'], folder);
  t.is(second.exitCode, 0);
  t.regex(second.stderr, /ssh-a +worker up to date, nothing sent/);
  t.regex(second.stdout, /│ ssh-a +│ up to date │ 0 KiB +│ v\d+/);

  const status = await run(['status', '--json'], folder);
  t.is(status.exitCode, 0, status.stdout);
  const [a] = JSON.parse(status.stdout);
  t.like(a, {
    host: 'ssh-a',
    reachable: true,
    workerUpToDate: true,
    ready: true,
    cores: 1,
    error: null,
    node: process.version,
    arch: process.arch,
  });
  // Milliseconds, not seconds: a loopback trip, however loaded the machine.
  t.true(a.latencyMs > 0 && a.latencyMs < 1000);
  t.true(a.nproc >= 1 && a.memoryBytes > 0);
});

serial('bench runs across ssh hosts and mixed with local ones, and gives the same forest', async (t) => {
  const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
  t.is((await run(['provision'], folder)).exitCode, 0);
  const result = await run(['bench', '--experiment', 'experiments/ssh.yaml', '--json'], folder);
  t.is(result.exitCode, 0, result.stderr);
  const rows = JSON.parse(result.stdout).rows;
  t.deepEqual(
    rows.map((row: {hosts: string[]}) => row.hosts),
    [['local-a'], ['ssh-a'], ['ssh-a', 'ssh-b'], ['ssh-a', 'local-a']],
  );
  t.true(rows.every((row: {accuracy: number}) => row.accuracy === rows[0].accuracy));
  t.is(
    rows[2].runs[0].hosts.reduce((sum: number, h: {items: number}) => sum + h.items, 0),
    12,
  );
});

/** OpenSSH's answer to a changed key, as `status` prints it: the line recorded, and the command that removes it. */
const changedKey = (own: TestSshd, folder: string, offered: string, recorded: string) => {
  const file = join(folder, 'known_hosts');
  const text = `Error: host moved: host key of [127.0.0.1]:${own.port} has CHANGED: it now offers ${offered} key SHA256:FINGERPRINT, not the ${recorded} key recorded in ${file}:1; someone may be in the middle (an attack), or the host was reinstalled: check with whoever runs it, and only if the change is expected, remove the old key with: ssh-keygen -f ${file} -R '[127.0.0.1]:${own.port}', then record the new key with: cluster status --hosts moved --accept-new\n`;
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('FINGERPRINT', '[A-Za-z0-9+/]{43}'));
};

test('a changed host key is always refused, even with --accept-new', async (t) => {
  const own = await startSshd();
  try {
    const folder = home({
      hosts: `  moved: { address: 127.0.0.1, port: ${own.port} }`,
      knownHosts: `${own.hostKeyLine()}\n`,
    });
    await own.changeHostKey();
    const result = await run(['status', '--accept-new'], folder);
    t.is(result.exitCode, 3);
    t.regex(result.stdout, changedKey(own, folder, 'ssh-ed25519', 'ssh-ed25519'));
  } finally {
    await own.stop();
  }
});

// A man in the middle who shows a key of another type than the one recorded must not pass for a new host.
const otherType = test.macro(async (t, recorded: HostKeyName, served: HostKeyName, types: [string, string]) => {
  const own = await startSshd();
  try {
    if (recorded === 'host_key_rsa') await own.serveOnly(['host_key_rsa']);
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    const line = `${own.hostKeyLine(recorded)}\n`;
    const folder = home({hosts: `  moved: { address: 127.0.0.1, port: ${own.port} }`, knownHosts: line});
    await own.serveOnly([served]);
    for (const args of [['status'], ['status', '--accept-new'], ['status', '--json', '--accept-new']]) {
      const result = await run(args, folder);
      t.is(result.exitCode, 3, result.stdout);
      if (args.includes('--json'))
        t.like(JSON.parse(result.stdout)[0], {host: 'moved', reachable: false, reason: 'host-key-changed'});
      else t.regex(result.stdout, changedKey(own, folder, types[1], types[0]));
    }
    t.is(readFileSync(join(folder, 'known_hosts'), 'utf8'), line, '--accept-new recorded nothing');
    // The fix the message gives works when pasted, and then --accept-new records the new key.
    const [remove, record] = (await run(['status'], folder)).stdout
      .split('remove the old key with: ')[1]
      .trim()
      .split(', then record the new key with: ');
    await execa('sh', ['-c', remove]);
    t.is(record, 'cluster status --hosts moved --accept-new');
    // Pasted, it records the new key (its exit is the worker's: not installed on this server).
    t.regex((await pasteHere(record, folder)).stdout, /│ moved +│ yes /);
    // Not provisioned there, so not ready: reachable is what the host key decides.
    t.like(JSON.parse((await run(['status', '--json'], folder)).stdout)[0], {
      host: 'moved',
      reachable: true,
      error: null,
    });
    t.is(readFileSync(join(folder, 'known_hosts'), 'utf8'), `${own.hostKeyLine(served)}\n`);
  } finally {
    await own.stop();
  }
});
test(
  'ed25519 recorded, the server shows only ecdsa: a changed key, refused with and without --accept-new',
  otherType,
  'host_key',
  'host_key_ecdsa',
  ['ssh-ed25519', 'ecdsa-sha2-nistp256'],
);
test(
  'rsa recorded, the server shows only ed25519: a changed key, refused with and without --accept-new',
  otherType,
  'host_key_rsa',
  'host_key',
  ['ssh-rsa', 'ssh-ed25519'],
);

// OpenSSH lowercases the host name first: LOCALHOST's recorded key is localhost's, plain or hashed.
test('capitals in the address: the recorded key is found, plain or hashed, and a new one is recorded lowercased', async (t) => {
  const own = await startSshd();
  try {
    const [, type, blob] = own.hostKeyLine().split(' ');
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    await own.serveOnly(['host_key_ecdsa']);
    for (const [address, hash] of [
      ['LOCALHOST', true],
      ['LOCALHOST', false],
      ['LocalHost', true],
      ['localhost', true],
    ] as const) {
      const folder = home({
        hosts: `  moved: { address: ${address}, port: ${own.port} }`,
        knownHosts: `[localhost]:${own.port} ${type} ${blob}\n`,
      });
      if (hash) await execa('ssh-keygen', ['-q', '-H', '-f', join(folder, 'known_hosts')]);
      const recorded = readFileSync(join(folder, 'known_hosts'), 'utf8');
      const result = await run(['status', '--json', '--accept-new'], folder);
      t.is(result.exitCode, 3, `${address} ${hash}: ${result.stdout}`);
      t.like(JSON.parse(result.stdout)[0], {host: 'moved', reachable: false, reason: 'host-key-changed'});
      t.is(readFileSync(join(folder, 'known_hosts'), 'utf8'), recorded, '--accept-new recorded nothing');
    }
    const fresh = home({hosts: `  moved: { address: LOCALHOST, port: ${own.port} }`, knownHosts: ''});
    t.like(JSON.parse((await run(['status', '--json', '--accept-new'], fresh)).stdout)[0], {
      host: 'moved',
      reachable: true,
    });
    t.is(
      readFileSync(join(fresh, 'known_hosts'), 'utf8'),
      `${own.hostKeyLine('host_key_ecdsa').replace('127.0.0.1', 'localhost')}\n`,
    );
  } finally {
    await own.stop();
  }
});

// OpenSSH reads ~/.ssh/known_hosts2 and the global files too: a key recorded there alone is no unknown host.
test('a key recorded only in ~/.ssh/known_hosts2 or a global known_hosts file: known, and another key CHANGED even with --accept-new', async (t) => {
  const own = await startSshd();
  try {
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    const probe = home();
    for (const file of [join(probe, '.ssh/known_hosts2'), ...globalFiles(probe)]) {
      const where = (folder: string) => join(folder, file.slice(probe.length));
      const folder = home({hosts: `  moved: { address: 127.0.0.1, port: ${own.port} }`});
      mkdirSync(join(folder, '.ssh'), {recursive: true});
      writeFileSync(where(folder), `${own.hostKeyLine()}\n`);
      await own.serveOnly(['host_key']);
      t.like(
        JSON.parse((await run(['status', '--json'], folder)).stdout)[0],
        {host: 'moved', reachable: true},
        where(folder),
      );
      await own.serveOnly(['host_key_ecdsa']);
      const result = await run(['status', '--accept-new'], folder);
      t.is(result.exitCode, 3, result.stdout);
      t.regex(
        result.stdout,
        new RegExp(
          `has CHANGED: it now offers ecdsa-sha2-nistp256 key .* not the ssh-ed25519 key recorded in ${where(folder).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1;`,
        ),
      );
      t.false(existsSync(join(folder, 'known_hosts')), '--accept-new recorded nothing');
    }
  } finally {
    await own.stop();
  }
});

test('a revoked key is refused whatever else is recorded; a @cert-authority line is no recorded key of the host', async (t) => {
  const [type, blob] = sshd.hostKeyLine().split(' ').slice(1);
  const revoked = home({
    hosts: `  ssh-a: { address: 127.0.0.1, port: ${sshd.port} }`,
    knownHosts: `${sshd.hostKeyLine()}\n@revoked * ${type} ${blob}\n`,
  });
  const refused = await statusWith(revoked, {});
  t.like(refused, {reachable: false, reason: 'host-key-revoked'});
  t.regex(
    refused.error!,
    new RegExp(
      `^host ssh-a: host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} is revoked \\(${join(revoked, 'known_hosts')}:2\\): ssh-ed25519 key SHA256:\\S+; refusing to connect$`,
    ),
  );
  const ca = home({
    hosts: `  ssh-a: { address: 127.0.0.1, port: ${sshd.port} }`,
    knownHosts: `@cert-authority * ${sshd.hostKeyLine('host_key_ecdsa').split(' ').slice(1).join(' ')}\n`,
  });
  t.like(await statusWith(ca, {}), {reachable: false, reason: 'host-key-unknown'});
});

test('rsa recorded, the server holding rsa and ed25519: the recorded rsa key is asked for and known', async (t) => {
  const own = await startSshd();
  try {
    await own.serveOnly(['host_key', 'host_key_rsa']);
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    const folder = home({
      hosts: `  both: { address: 127.0.0.1, port: ${own.port} }`,
      knownHosts: `${own.hostKeyLine('host_key_rsa')}\n`,
    });
    const result = await run(['status', '--json'], folder);
    t.like(JSON.parse(result.stdout)[0], {host: 'both', reachable: true, error: null});
  } finally {
    await own.stop();
  }
});

/** A key with a passphrase, accepted by the test server, as most people's keys are. */
async function lockedKey(folder: string): Promise<string> {
  const key = join(folder, 'locked_key');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right horse', '-f', key]);
  appendFileSync(join(sshd.folder, 'authorized_keys'), readFileSync(`${key}.pub`));
  return key;
}

const statusWith = async (folder: string, env: Record<string, string | undefined>) => {
  const result = await cluster(['status', '--json'], folder, {HOME: folder, SSH_AUTH_SOCK: undefined, ...env});
  return JSON.parse(result.stdout)[0] as {host: string; reachable: boolean; error: string | null; reason?: string};
};

test("a passphrase-protected key loaded in ssh-agent logs in without its passphrase, ahead of the agent's other keys", async (t) => {
  const agent = await startAgent();
  try {
    const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
    const key = await lockedKey(folder);
    // Six keys the host refuses come first in the agent: tried in the agent's order, they would use up sshd's MaxAuthTries (6).
    for (let i = 0; i < 6; i++) {
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(folder, `other_${i}`)]);
      await agent.add(join(folder, `other_${i}`));
    }
    await agent.add(key, 'right horse');
    for (const passphraseEnv of ['', ', passphraseEnv: PI_PASS']) {
      writeFileSync(
        join(folder, 'inventory.yaml'),
        `knownHosts: known_hosts\nhosts:\n  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, user: root, identityFile: ${key}${passphraseEnv} }\n`,
      );
      t.like(await statusWith(folder, {SSH_AUTH_SOCK: agent.socket}), {host: 'ssh-a', reachable: true, error: null});
    }
    // Without its .pub beside it, the key's own clear header says which of the agent's keys it is.
    rmSync(`${key}.pub`);
    t.like(await statusWith(folder, {SSH_AUTH_SOCK: agent.socket}), {host: 'ssh-a', reachable: true, error: null});
    // An identity the agent does not hold: its keys in their order use up MaxAuthTries, and the message says so.
    writeFileSync(
      join(folder, 'inventory.yaml'),
      `knownHosts: known_hosts\nhosts:\n  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, user: root, identityFile: ${sshd.strangerKey} }\n`,
    );
    t.like(await statusWith(folder, {SSH_AUTH_SOCK: agent.socket}), {
      reachable: false,
      reason: 'auth',
      error: `host ssh-a: authentication refused for user root at 127.0.0.1:${sshd.port}: the host stopped after too many keys (its MaxAuthTries); name the key it accepts with identityFile: in the inventory and load it with ssh-add, so that the agent offers it first, or unset SSH_AUTH_SOCK so that only that file is tried`,
    });
  } finally {
    agent.stop();
  }
});

test('an agent that does not hold the encrypted key, or is not there: refused, saying why the file was not used', async (t) => {
  const agent = await startAgent();
  try {
    const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
    const key = await lockedKey(folder);
    writeFileSync(
      join(folder, 'inventory.yaml'),
      `knownHosts: known_hosts\nhosts:\n  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, user: root, identityFile: ${key}, passphraseEnv: PI_PASS }\n`,
    );
    const encrypted = `the identity file ${key} is encrypted and PI_PASS, the variable its passphraseEnv: names, is not set; export PI_PASS with the key's passphrase, or add the key to ssh-agent with: ssh-add ${key}`;
    t.like(await statusWith(folder, {SSH_AUTH_SOCK: agent.socket}), {
      reachable: false,
      reason: 'auth',
      error: `host ssh-a: authentication refused for user root at 127.0.0.1:${sshd.port}: ssh-agent (SSH_AUTH_SOCK=${agent.socket}) holds no key the host accepts, and ${encrypted}`,
    });
    const gone = join(folder, 'no-agent.sock');
    t.like(await statusWith(folder, {SSH_AUTH_SOCK: gone}), {
      reachable: false,
      reason: 'auth',
      error: `host ssh-a: authentication refused for user root at 127.0.0.1:${sshd.port}: ssh-agent (SSH_AUTH_SOCK=${gone}) could not be asked (Failed to connect to agent), and ${encrypted}`,
    });
    // With the passphrase, the file logs in whatever the agent is.
    t.like(await statusWith(folder, {SSH_AUTH_SOCK: gone, PI_PASS: 'right horse'}), {reachable: true, error: null});
    t.like(await statusWith(folder, {SSH_AUTH_SOCK: agent.socket, PI_PASS: 'right horse'}), {
      reachable: true,
      error: null,
    });
  } finally {
    agent.stop();
  }
});

test('a user key the host does not accept is refused', async (t) => {
  const folder = home({
    hosts: `  a: { address: 127.0.0.1, port: ${sshd.port}, identityFile: ${sshd.strangerKey} }`,
    knownHosts: `${sshd.hostKeyLine()}\n`,
  });
  const result = await run(['provision'], folder);
  t.is(result.exitCode, 3);
  t.true(
    result.stdout.includes(
      `Error: host a: authentication refused for user root at 127.0.0.1:${sshd.port}; check user: and identityFile: in the inventory, or add the key to the host's authorized_keys\n`,
    ),
    result.stdout,
  );
});

test('connection refused, a name that does not resolve, and a host that never answers', async (t) => {
  const closed = await freePort();
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as {port: number}).port;
  try {
    const folder = home({
      hosts: `  down: { address: 127.0.0.1, port: ${closed} }\n  nowhere: { address: no-such-host.invalid }\n  mute: { address: 127.0.0.1, port: ${silentPort} }`,
      connectTimeout: 1,
    });
    const result = await run(['status', '--json'], folder);
    t.is(result.exitCode, 3);
    const byHost = Object.fromEntries(
      JSON.parse(result.stdout).map((s: {host: string; reason: string; error: string}) => [
        s.host,
        [s.reason, s.error],
      ]),
    );
    t.deepEqual(byHost.down, [
      'connection-refused',
      `host down: connection refused at 127.0.0.1:${closed}; is sshd running there, on that port?`,
    ]);
    t.deepEqual(byHost.nowhere, [
      'name-not-resolved',
      "host nowhere: cannot resolve host name 'no-such-host.invalid'; check address: in the inventory",
    ]);
    t.deepEqual(byHost.mute, [
      'timeout',
      `host mute: no answer from 127.0.0.1:${silentPort} within 1 s; is the host up?`,
    ]);
  } finally {
    silent.close();
  }
});

test('a web server, or a chatty one that never closes, on the SSH port: answered, but not as an SSH server', async (t) => {
  const web = createHttpServer((request, response) => response.end('hello'));
  // One that greets with escape sequences and waits: its words reach the message escaped, never raw.
  const chatty = createServer((socket) => socket.write('220 \x1b]0;owned\x07mail.example ESMTP\r\n'));
  // A TLS server answers SSH's first line with a binary alert, and hangs up.
  const tls = createServer((socket) => socket.end(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])));
  const listen = (server: Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port)),
    );
  const [webPort, chattyPort, tlsPort] = [await listen(web), await listen(chatty), await listen(tls)];
  try {
    const folder = home({
      hosts: `  web: { address: 127.0.0.1, port: ${webPort} }\n  mail: { address: 127.0.0.1, port: ${chattyPort} }\n  tls: { address: 127.0.0.1, port: ${tlsPort} }`,
      connectTimeout: 1,
    });
    const result = await run(['status', '--json'], folder);
    t.is(result.exitCode, 3);
    const byHost = Object.fromEntries(
      JSON.parse(result.stdout).map((s: {host: string; reason: string; error: string}) => [
        s.host,
        [s.reason, s.error],
      ]),
    );
    const fix = (port: number) =>
      `check that ${port} is the host's SSH port (port: in the inventory, or Port in ~/.ssh/config)`;
    t.deepEqual(byHost.web, [
      'not-ssh',
      `host web: 127.0.0.1:${webPort} answered, but not as an SSH server (it said: HTTP/1.1 400 Bad Request); ${fix(webPort)}`,
    ]);
    t.deepEqual(byHost.mail, [
      'not-ssh',
      `host mail: 127.0.0.1:${chattyPort} answered, but not as an SSH server (it said: 220 \\x1b]0;owned\\x07mail.example ESMTP); ${fix(chattyPort)}`,
    ]);
    t.deepEqual(byHost.tls, [
      'not-ssh',
      `host tls: 127.0.0.1:${tlsPort} answered, but not as an SSH server (it said: \\x15\\x03\\x01\\x00\\x02\\x02F); ${fix(tlsPort)}`,
    ]);
  } finally {
    web.close();
    web.closeAllConnections();
    chatty.close();
    tls.close();
  }
});

test('a host without SFTP is provisioned and reported ready: the worker goes through an exec channel', async (t) => {
  const own = await startSshd({sftp: false});
  try {
    const folder = home({
      hosts: `  nosftp: { address: 127.0.0.1, port: ${own.port} }\n  local-a: { transport: local }`,
      knownHosts: `${own.hostKeyLine()}\n`,
    });
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    const result = await run(['provision', '--json'], folder);
    t.is(result.exitCode, 0, result.stdout);
    const [installed, local] = JSON.parse(result.stdout);
    t.like(installed, {host: 'nosftp', ok: true, upToDate: false, error: null});
    t.like(local, {host: 'local-a', ok: true});
    const status = await run(['status', '--json', '--hosts', 'nosftp'], folder);
    t.is(status.exitCode, 0, status.stdout);
    t.like(JSON.parse(status.stdout)[0], {
      host: 'nosftp',
      reachable: true,
      ready: true,
      workerUpToDate: true,
      error: null,
    });
  } finally {
    await own.stop();
  }
});

test('a host without Node.js is refused, saying how to install it; bench refuses it before running anything', async (t) => {
  const tools = folderWith();
  for (const tool of ['sh', 'uname', 'nproc', 'getconf', 'grep', 'cut', 'tr', 'sha256sum', 'mkdir'])
    symlinkSync(`/usr/bin/${tool}`, join(tools, tool));
  chmodSync(tools, 0o755);
  const own = await startSshd({path: tools});
  try {
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    const folder = home({
      hosts: `  old: { address: 127.0.0.1, port: ${own.port} }\n  local-a: { transport: local }`,
      knownHosts: `${own.hostKeyLine()}\n`,
    });
    const provision = await run(['provision', '--json'], folder);
    t.is(provision.exitCode, 3);
    t.like(JSON.parse(provision.stdout)[0], {
      host: 'old',
      ok: false,
      reason: 'node-missing',
      error:
        'host old: Node.js is not installed (no node on the PATH); install it with: sudo apt-get install nodejs (Debian, Raspberry Pi OS), or from nodejs.org',
    });
    mkdirSync(join(folder, 'results'));
    writeFileSync(
      join(folder, 'experiments/ssh.yaml'),
      'dataset: { kind: synthetic, samples: 200 }\nforest: { trees: 2 }\ncombinations: [[local-a], [old]]\nruns: 1\nwarmup: 0\n',
    );
    const bench = await run(['bench', '--experiment', 'experiments/ssh.yaml'], folder);
    t.is(bench.exitCode, 3);
    t.is(
      bench.stderr,
      'Error: host old: Node.js is not installed; run cluster provision --hosts old for how to install it\n',
    );
    t.deepEqual(readdirSync(join(folder, 'results')), [], 'nothing ran, nothing was saved');
  } finally {
    await own.stop();
  }
});

serial(
  'an unprovisioned host is refused before anything runs; ~/.ssh/config aliases; train over ssh; too many cores warned',
  async (t) => {
    rmSync(join(sshd.folder, 'cache', 'cluster'), {recursive: true, force: true});
    const folder = home({
      hosts: '  kitchen: { address: pi-kitchen, cores: 64 }\n  local-a: { transport: local }',
      knownHosts: `${sshd.hostKeyLine()}\n`,
    });
    mkdirSync(join(folder, '.ssh'));
    writeFileSync(
      join(folder, '.ssh/config'),
      `Host pi-kitchen\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  IdentityFile ${sshd.userKey}\n`,
    );
    writeFileSync(
      join(folder, 'experiments/ssh.yaml'),
      'dataset: { kind: synthetic, samples: 300 }\nforest: { trees: 4 }\ncombinations: [[local-a], [kitchen]]\nruns: 1\nwarmup: 0\n',
    );
    const refused = await run(['bench', '--experiment', 'experiments/ssh.yaml'], folder);
    t.is(
      refused.stderr,
      'Error: host kitchen: the worker is not installed or out of date; run: cluster provision --hosts kitchen\n',
    );
    t.is(refused.exitCode, 3);
    // From another inventory file, the hint names it: pasted as it is, it provisions the host.
    copyFileSync(join(folder, 'inventory.yaml'), join(folder, 'pis.yaml'));
    const elsewhere = await run(['bench', '--inventory', 'pis.yaml', '--experiment', 'experiments/ssh.yaml'], folder);
    t.is(
      elsewhere.stderr,
      'Error: host kitchen: the worker is not installed or out of date; run: cluster provision --inventory pis.yaml --hosts kitchen\n',
    );
    rmSync(join(folder, 'inventory.yaml'));
    const hint = elsewhere.stderr.trim().split('run: cluster ')[1].split(' ');
    t.is((await run(hint, folder)).exitCode, 0);
    copyFileSync(join(folder, 'pis.yaml'), join(folder, 'inventory.yaml'));

    const status = await run(['status', '--hosts', 'kitchen'], folder);
    t.regex(
      status.stdout,
      /Warning: kitchen: inventory gives kitchen 64 cores but it has \d+: trees will queue; set cores: \d+/,
    );
    const rows = ['a,b,y', ...Array.from({length: 80}, (_, i) => `${i % 2},${i % 7},${i % 2 ? 'odd' : 'even'}`)].join(
      '\n',
    );
    writeFileSync(join(folder, 'd.csv'), `${rows}\n`);
    const trained = await run(
      ['train', '--data', 'd.csv', '--target', 'y', '--trees', '6', '--hosts', 'kitchen,local-a', '--json'],
      folder,
    );
    t.is(trained.exitCode, 0, trained.stderr);
    t.deepEqual(
      JSON.parse(trained.stdout).hosts.map((h: {host: string}) => h.host),
      ['kitchen', 'local-a'],
    );
  },
);

serial(
  'over SSH, a killed worker and a dropped connection lose only their unfinished trees: same forest',
  async (t) => {
    const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
    t.is((await run(['provision'], folder)).exitCode, 0);
    const inventory = loadInventory(join(folder, 'inventory.yaml'));
    const hosts = selectHosts(inventory, 'ssh-a,ssh-b');
    const data = makeClassification({samples: 3000, features: 10, informative: 5, classes: 2, seed: 8});
    const workers = await WorkerSet.open(hosts);
    const forest = (list: WorkerClient[], onTree?: (done: number) => void) =>
      trainForest({
        workers: list,
        dataset: data,
        datasetHash: hashDataset(data),
        options: {trainer: 'native', maxFeatures: 'sqrt'},
        trees: 40,
        forestSeed: 1,
        schedule: dynamicSchedule({hosts, trees: 40}),
        onTree,
      });
    const encode = (trees: Uint8Array[]) => trees.map((tree) => Buffer.from(tree).toString('base64'));
    try {
      const undisturbed = encode((await forest(workers.get(['ssh-a', 'ssh-b']))).trees);
      const [, b] = workers.get(['ssh-a', 'ssh-b']);
      // The remote worker is a process on this machine: kill it as a crash would.
      const killed = await forest(
        workers.get(['ssh-a', 'ssh-b']),
        (done) =>
          done === 3 && crashAlone(workers.get(['ssh-a', 'ssh-b']), b, () => process.kill(b.info!.pid, 'SIGKILL')),
      );
      t.deepEqual(encode(killed.trees), undisturbed);
      t.like(killed.faults[0], {host: 'ssh-b', reason: 'exited'});

      const revived = await workers.revive(['ssh-a', 'ssh-b']);
      t.deepEqual(revived.faults, []);
      // Kill the sshd session that carries b's worker: the connection drops.
      const session = Number(
        readFileSync(`/proc/${revived.workers[1].info!.pid}/stat`, 'utf8').split(') ')[1].split(' ')[1],
      );
      const dropped = await forest(
        revived.workers,
        (done) => done === 3 && crashAlone(revived.workers, revived.workers[1], () => process.kill(session, 'SIGKILL')),
      );
      t.deepEqual(encode(dropped.trees), undisturbed);
      t.is(dropped.faults[0].host, 'ssh-b');
      t.true(['connection-lost', 'exited'].includes(dropped.faults[0].reason), dropped.faults[0].reason);
    } finally {
      await workers.close();
    }
  },
);

for (const reduce of ['central', 'ring'] as const)
  serial(
    `over SSH, reduced ${reduce === 'ring' ? 'in a ring of the hosts' : 'centrally'}, a network with a worker killed and a connection dropped mid-epoch: the weights of a run without them`,
    async (t) => {
      const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
      t.is((await run(['provision'], folder)).exitCode, 0);
      const hosts = selectHosts(loadInventory(join(folder, 'inventory.yaml')), 'ssh-a,ssh-b,local-a');
      const raw = makeClassification({samples: 1500, features: 10, informative: 5, classes: 3, seed: 8});
      const data = standardise(raw, standardisationOf(raw));
      const spec = {...DEFAULT_NETWORK, layers: [32, 16], epochs: 3, batchSize: 250, reduce};
      const reference = trainNetwork(spec, data).weightsHash;
      const workers = await WorkerSet.open(hosts);
      const network = (list: WorkerClient[], onStep?: (done: number) => void) =>
        trainNetworkAcross({
          workers: list,
          dataset: data,
          datasetHash: hashDataset(data),
          spec,
          split: 'proportional',
          onStep,
        });
      try {
        t.is((await network(workers.get(['ssh-a', 'ssh-b']))).weightsHash, reference);
        // A local host beside an SSH one: it listens where the SSH host reaches this machine.
        t.is((await network(workers.get(['ssh-a', 'local-a']))).weightsHash, reference);
        const [, b] = workers.get(['ssh-a', 'ssh-b']);
        // 6 steps an epoch of 8 chunks: killed after the 8th step, in the second epoch.
        const killed = await network(
          workers.get(['ssh-a', 'ssh-b']),
          (done) =>
            done === 8 * 8 &&
            crashAlone(workers.get(['ssh-a', 'ssh-b']), b, () => process.kill(b.info!.pid, 'SIGKILL')),
        );
        t.is(killed.weightsHash, reference);
        t.like(killed.faults[0], {host: 'ssh-b', reason: 'exited'});

        const revived = await workers.revive(['ssh-a', 'ssh-b']);
        const session = Number(
          readFileSync(`/proc/${revived.workers[1].info!.pid}/stat`, 'utf8').split(') ')[1].split(' ')[1],
        );
        const dropped = await network(
          revived.workers,
          (done) =>
            done === 8 * 8 && crashAlone(revived.workers, revived.workers[1], () => process.kill(session, 'SIGKILL')),
        );
        t.is(dropped.weightsHash, reference);
        t.is(dropped.faults[0].host, 'ssh-b');
      } finally {
        await workers.close();
      }
    },
  );

serial('a remote worker changed or cut short is refused by bench, with the way to put it right', async (t) => {
  const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
  writeFileSync(
    join(folder, 'experiments/one.yaml'),
    'dataset: { kind: synthetic, samples: 300 }\nforest: { trees: 4 }\ncombinations: [[ssh-a]]\nruns: 1\nwarmup: 0\n',
  );
  t.is((await run(['provision', '--hosts', 'ssh-a'], folder)).exitCode, 0);
  const bundle = readFileSync(new URL('../../worker.mjs', import.meta.url));
  const [version] = readdirSync(join(sshd.folder, 'cache', 'cluster')).filter((name) => name.startsWith('worker-'));
  const installed = join(sshd.folder, 'cache', 'cluster', version, 'worker.mjs');
  const expected = createHash('sha256').update(bundle).digest('hex');
  for (const damaged of [
    Buffer.concat([bundle, Buffer.from('\nprocess.exit(0);\n')]),
    bundle.subarray(0, bundle.length >> 1),
  ]) {
    writeFileSync(installed, damaged);
    const refused = await run(['bench', '--experiment', 'experiments/one.yaml'], folder);
    t.is(refused.exitCode, 3);
    t.is(
      refused.stderr,
      `Error: host ssh-a: the installed worker is not the one provision put there (sha256 ${createHash('sha256').update(damaged).digest('hex')}, expected ${expected}): it was changed or cut short; run: cluster provision --hosts ssh-a\n`,
    );
  }
  t.is((await run(['provision', '--hosts', 'ssh-a'], folder)).exitCode, 0);
  t.deepEqual(readFileSync(installed), bundle);
  const fixed = await run(['bench', '--experiment', 'experiments/one.yaml'], folder);
  t.is(fixed.exitCode, 0, fixed.stderr);
});

serial(
  'known_hosts holding only another key type: that type is negotiated, as OpenSSH does; an unreadable known_hosts or an unsupported ssh config directive is bad input',
  async (t) => {
    // The server prefers its ed25519 key; only its ecdsa key is recorded.
    const folder = home({
      knownHosts: `${sshd.hostKeyLine('host_key_ecdsa')}\n`,
      hosts: `  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }`,
    });
    const status = await run(['status', '--json'], folder);
    t.is(status.exitCode, 0, status.stdout);
    t.like(JSON.parse(status.stdout)[0], {host: 'ssh-a', reachable: true, error: null});

    rmSync(join(folder, 'known_hosts'));
    mkdirSync(join(folder, 'known_hosts'));
    const unreadable = await run(['status'], folder);
    t.is(unreadable.exitCode, 2);
    t.is(
      unreadable.stderr,
      `Error: ${join(folder, 'known_hosts')}: cannot read this known_hosts file (EISDIR) (make it a file you can read, or name another with knownHosts: in the inventory)\n`,
    );

    const proxied = home({knownHosts: `${sshd.hostKeyLine()}\n`, hosts: `  ssh-a: { address: pi-far, cores: 1 }`});
    mkdirSync(join(proxied, '.ssh'));
    writeFileSync(
      join(proxied, '.ssh/config'),
      `Host pi-far\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  ProxyJump bastion\n`,
    );
    for (const command of [['status'], ['provision']]) {
      const refused = await run(command, proxied);
      t.is(refused.exitCode, 2, refused.stderr);
      t.is(
        refused.stderr.trimEnd().split('\n').at(-1),
        `Error: ${join(proxied, '.ssh/config')}:4: ProxyJump: ProxyJump is not supported (it reaches the host through another host), and it applies to 'pi-far' (give the host an address it can reach directly in the inventory, or remove ProxyJump there)`,
      );
    }
  },
);

serial(
  "an Ansible inventory without cores trains with all the host's CPUs, says so once, and gives the same forest",
  async (t) => {
    const folder = home({
      knownHosts: `${sshd.hostKeyLine()}\n`,
      hosts: `  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }`,
    });
    t.is((await run(['provision'], folder)).exitCode, 0);
    mkdirSync(join(folder, '.ssh'));
    copyFileSync(join(folder, 'known_hosts'), join(folder, '.ssh', 'known_hosts'));
    writeFileSync(
      join(folder, 'hosts.yml'),
      `all:\n  hosts:\n    ssh-a: { ansible_host: 127.0.0.1, ansible_port: ${sshd.port}, ansible_user: root, ansible_ssh_private_key_file: ${sshd.userKey} }\n`,
    );
    writeFileSync(
      join(folder, 'experiments/one.yaml'),
      'dataset: { kind: synthetic, samples: 1500, features: 10, informative: 5, seed: 3 }\nforest: { trees: 12 }\ncombinations: [[ssh-a]]\nruns: 1\nwarmup: 0\n',
    );
    const cpus = availableParallelism();
    const status = await run(['status', '--inventory', 'hosts.yml'], folder);
    t.is(status.exitCode, 0, status.stdout);
    t.regex(status.stdout, new RegExp(`│ ${cpus}/${cpus} \\(from the host\\) +│`));
    t.notRegex(status.stdout, /Warning/);
    const fromHost = await run(
      ['bench', '--inventory', 'hosts.yml', '--experiment', 'experiments/one.yaml', '--export-json', 'from-host.json'],
      folder,
    );
    t.is(fromHost.exitCode, 0, fromHost.stderr);
    t.is(
      fromHost.stderr
        .split('\n')
        .filter((line) => line.startsWith('Cores from the hosts'))
        .join('\n'),
      `Cores from the hosts (the inventory gives none): ssh-a ${cpus}; set cores: in the inventory to choose`,
    );
    const [row] = JSON.parse(readFileSync(join(folder, 'from-host.json'), 'utf8')).rows;
    t.is(row.cores, cpus);
    // The inventory's cores still win; more than the host has is warned about, and the forest is the same.
    const fixed = await run(['bench', '--experiment', 'experiments/one.yaml', '--json', '--hosts', 'ssh-a'], folder);
    t.is(JSON.parse(fixed.stdout).rows[0].cores, 1);
    t.is(JSON.parse(fixed.stdout).rows[0].accuracy, row.accuracy);
    writeFileSync(
      join(folder, 'inventory.yaml'),
      readFileSync(join(folder, 'inventory.yaml'), 'utf8').replace('cores: 1', `cores: ${cpus + 1}`),
    );
    const over = await run(['bench', '--experiment', 'experiments/one.yaml', '--hosts', 'ssh-a'], folder);
    t.is(over.exitCode, 0, over.stderr);
    t.true(
      over.stderr.includes(
        `Warning: inventory gives ssh-a ${cpus + 1} cores but it has ${cpus}: trees will queue; set cores: ${cpus}\n`,
      ),
      over.stderr,
    );
  },
);

serial("an Ansible INI inventory of an SSH host without cores: cluster train uses all the host's CPUs", async (t) => {
  const folder = home({
    knownHosts: `${sshd.hostKeyLine()}\n`,
    hosts: `  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }`,
  });
  t.is((await run(['provision'], folder)).exitCode, 0);
  mkdirSync(join(folder, '.ssh'));
  copyFileSync(join(folder, 'known_hosts'), join(folder, '.ssh', 'known_hosts'));
  writeFileSync(
    join(folder, 'hosts.ini'),
    `[pis]\npi1 ansible_host=127.0.0.1 ansible_port=${sshd.port}\n\n[pis:vars]\nansible_user=root\nansible_ssh_private_key_file=${sshd.userKey}\n`,
  );
  const rows = Array.from({length: 200}, (_, r) => `${r % 10},${(r * 7) % 13},${r % 10 < 5 ? 'low' : 'high'}`);
  writeFileSync(join(folder, 'd.csv'), `a,b,y\n${rows.join('\n')}\n`);
  const cpus = availableParallelism();
  const trained = await run(
    ['train', '--inventory', 'hosts.ini', '--hosts', 'pi1', '--data', 'd.csv', '--target', 'y', '--trees', '8'],
    folder,
  );
  t.is(trained.exitCode, 0, trained.stderr);
  t.regex(
    trained.stdout,
    new RegExp(
      `^Trained 8 trees \\(native\\) on 150 rows x 2 features, 2 classes, on pi1 \\(${cpus} slots?\\)\\.$`,
      'm',
    ),
  );
});
