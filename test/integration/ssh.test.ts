import {createHash} from 'node:crypto';
import {appendFileSync, chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {loadInventory} from '../../src/config/inventory.js';
import {selectHosts} from '../../src/config/select-hosts.js';
import {trainForest} from '../../src/coordinator/train-forest.js';
import type {WorkerClient} from '../../src/coordinator/worker-client.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {dynamicSchedule} from '../../src/schedule/dynamic.js';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {crashAlone} from '../helpers/crash.js';
import {freePort, sshdUnavailable, startSshd, type TestSshd} from '../helpers/sshd.js';

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
${options.hosts ?? `  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }
  ssh-b: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }
  local-a: { transport: local, cores: 1 }`}
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

const run = (args: string[], folder: string) => cluster(args, folder, {HOME: folder, SSH_AUTH_SOCK: undefined});

serial('an unknown host key is refused with its fingerprint, then recorded with --accept-new', async (t) => {
  const folder = home();
  const refused = await run(['provision', '--hosts', 'ssh-a'], folder);
  t.is(refused.exitCode, 3);
  t.regex(refused.stdout, new RegExp(`Error: host ssh-a: host key of \\[127\\.0\\.0\\.1\\]:${sshd.port} is not known: ssh-ed25519 key SHA256:[A-Za-z0-9+/]{43}; check it, then re-run with --accept-new to record it in ${join(folder, 'known_hosts')}\\n`));
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
  t.deepEqual(firstResults.map((r: {host: string; ok: boolean; error: null}) => [r.host, r.ok, r.error]), [['ssh-a', true, null], ['ssh-b', true, null], ['local-a', true, null]]);
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
  t.like(a, {host: 'ssh-a', reachable: true, workerUpToDate: true, ready: true, cores: 1, error: null, node: process.version});
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
  t.deepEqual(rows.map((row: {hosts: string[]}) => row.hosts), [['local-a'], ['ssh-a'], ['ssh-a', 'ssh-b'], ['ssh-a', 'local-a']]);
  t.true(rows.every((row: {accuracy: number}) => row.accuracy === rows[0].accuracy));
  t.is(rows[2].runs[0].hosts.reduce((sum: number, h: {trees: number}) => sum + h.trees, 0), 12);
});

test('a changed host key is always refused, even with --accept-new', async (t) => {
  const own = await startSshd();
  try {
    const folder = home({hosts: `  moved: { address: 127.0.0.1, port: ${own.port} }`, knownHosts: `${own.hostKeyLine()}\n`});
    await own.changeHostKey();
    const result = await run(['status', '--accept-new'], folder);
    t.is(result.exitCode, 3);
    t.regex(result.stdout, new RegExp(`Error: host moved: host key of \\[127\\.0\\.0\\.1\\]:${own.port} has CHANGED: it now offers ssh-ed25519 key SHA256:\\S+, not the key in ${join(folder, 'known_hosts')}:1; this may be an attack, or the host was reinstalled: check, then remove that line\\n`));
  } finally {
    await own.stop();
  }
});

test('a user key the host does not accept is refused', async (t) => {
  const folder = home({hosts: `  a: { address: 127.0.0.1, port: ${sshd.port}, identityFile: ${sshd.strangerKey} }`, knownHosts: `${sshd.hostKeyLine()}\n`});
  const result = await run(['provision'], folder);
  t.is(result.exitCode, 3);
  t.true(result.stdout.includes(`Error: host a: authentication refused for user root at 127.0.0.1:${sshd.port}; check user: and identityFile: in the inventory, or add the key to the host's authorized_keys\n`), result.stdout);
});

test('connection refused, a name that does not resolve, and a host that never answers', async (t) => {
  const closed = await freePort();
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as {port: number}).port;
  try {
    const folder = home({hosts: `  down: { address: 127.0.0.1, port: ${closed} }\n  nowhere: { address: no-such-host.invalid }\n  mute: { address: 127.0.0.1, port: ${silentPort} }`, connectTimeout: 1});
    const result = await run(['status', '--json'], folder);
    t.is(result.exitCode, 3);
    const byHost = Object.fromEntries(JSON.parse(result.stdout).map((s: {host: string; reason: string; error: string}) => [s.host, [s.reason, s.error]]));
    t.deepEqual(byHost.down, ['connection-refused', `host down: connection refused at 127.0.0.1:${closed}; is sshd running there, on that port?`]);
    t.deepEqual(byHost.nowhere, ['name-not-resolved', "host nowhere: cannot resolve host name 'no-such-host.invalid'; check address: in the inventory"]);
    t.deepEqual(byHost.mute, ['timeout', `host mute: no answer from 127.0.0.1:${silentPort} within 1 s; is the host up?`]);
  } finally {
    silent.close();
  }
});

test('a host without SFTP is provisioned and reported ready: the worker goes through an exec channel', async (t) => {
  const own = await startSshd({sftp: false});
  try {
    const folder = home({hosts: `  nosftp: { address: 127.0.0.1, port: ${own.port} }\n  local-a: { transport: local }`, knownHosts: `${own.hostKeyLine()}\n`});
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    const result = await run(['provision', '--json'], folder);
    t.is(result.exitCode, 0, result.stdout);
    const [installed, local] = JSON.parse(result.stdout);
    t.like(installed, {host: 'nosftp', ok: true, upToDate: false, error: null});
    t.like(local, {host: 'local-a', ok: true});
    const status = await run(['status', '--json', '--hosts', 'nosftp'], folder);
    t.is(status.exitCode, 0, status.stdout);
    t.like(JSON.parse(status.stdout)[0], {host: 'nosftp', reachable: true, ready: true, workerUpToDate: true, error: null});
  } finally {
    await own.stop();
  }
});

test('a host without Node.js is refused, saying how to install it; bench refuses it before running anything', async (t) => {
  const tools = folderWith();
  for (const tool of ['sh', 'uname', 'nproc', 'getconf', 'grep', 'cut', 'tr', 'sha256sum', 'mkdir']) symlinkSync(`/usr/bin/${tool}`, join(tools, tool));
  chmodSync(tools, 0o755);
  const own = await startSshd({path: tools});
  try {
    appendFileSync(join(own.folder, 'authorized_keys'), readFileSync(`${sshd.userKey}.pub`));
    const folder = home({hosts: `  old: { address: 127.0.0.1, port: ${own.port} }\n  local-a: { transport: local }`, knownHosts: `${own.hostKeyLine()}\n`});
    const provision = await run(['provision', '--json'], folder);
    t.is(provision.exitCode, 3);
    t.like(JSON.parse(provision.stdout)[0], {host: 'old', ok: false, reason: 'node-missing', error: 'host old: Node.js is not installed (no node on the PATH); install it with: sudo apt-get install nodejs (Debian, Raspberry Pi OS), or from nodejs.org'});
    mkdirSync(join(folder, 'results'));
    writeFileSync(join(folder, 'experiments/ssh.yaml'), 'dataset: { kind: synthetic, samples: 200 }\nforest: { trees: 2 }\ncombinations: [[local-a], [old]]\nruns: 1\nwarmup: 0\n');
    const bench = await run(['bench', '--experiment', 'experiments/ssh.yaml'], folder);
    t.is(bench.exitCode, 3);
    t.is(bench.stderr, 'Error: host old: Node.js is not installed; run cluster provision --hosts old for how to install it\n');
    t.deepEqual(readdirSync(join(folder, 'results')), [], 'nothing ran, nothing was saved');
  } finally {
    await own.stop();
  }
});

serial('an unprovisioned host is refused before anything runs; ~/.ssh/config aliases; train over ssh; too many cores warned', async (t) => {
  rmSync(join(sshd.folder, 'cache', 'cluster'), {recursive: true, force: true});
  const folder = home({hosts: '  kitchen: { address: pi-kitchen, cores: 64 }\n  local-a: { transport: local }', knownHosts: `${sshd.hostKeyLine()}\n`});
  mkdirSync(join(folder, '.ssh'));
  writeFileSync(join(folder, '.ssh/config'), `Host pi-kitchen\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  IdentityFile ${sshd.userKey}\n`);
  writeFileSync(join(folder, 'experiments/ssh.yaml'), 'dataset: { kind: synthetic, samples: 300 }\nforest: { trees: 4 }\ncombinations: [[local-a], [kitchen]]\nruns: 1\nwarmup: 0\n');
  const refused = await run(['bench', '--experiment', 'experiments/ssh.yaml'], folder);
  t.is(refused.stderr, 'Error: host kitchen: the worker is not installed or out of date; run: cluster provision --hosts kitchen\n');
  t.is(refused.exitCode, 3);
  // From another inventory file, the hint names it: pasted as it is, it provisions the host.
  copyFileSync(join(folder, 'inventory.yaml'), join(folder, 'pis.yaml'));
  const elsewhere = await run(['bench', '--inventory', 'pis.yaml', '--experiment', 'experiments/ssh.yaml'], folder);
  t.is(elsewhere.stderr, 'Error: host kitchen: the worker is not installed or out of date; run: cluster provision --inventory pis.yaml --hosts kitchen\n');
  rmSync(join(folder, 'inventory.yaml'));
  const hint = elsewhere.stderr.trim().split('run: cluster ')[1].split(' ');
  t.is((await run(hint, folder)).exitCode, 0);
  copyFileSync(join(folder, 'pis.yaml'), join(folder, 'inventory.yaml'));

  const status = await run(['status', '--hosts', 'kitchen'], folder);
  t.regex(status.stdout, /Warning: kitchen: inventory gives kitchen 64 cores but it has \d+: trees will queue; set cores: \d+/);
  const rows = ['a,b,y', ...Array.from({length: 80}, (_, i) => `${i % 2},${i % 7},${i % 2 ? 'odd' : 'even'}`)].join('\n');
  writeFileSync(join(folder, 'd.csv'), `${rows}\n`);
  const trained = await run(['train', '--data', 'd.csv', '--target', 'y', '--trees', '6', '--hosts', 'kitchen,local-a', '--json'], folder);
  t.is(trained.exitCode, 0, trained.stderr);
  t.deepEqual(JSON.parse(trained.stdout).hosts.map((h: {host: string}) => h.host), ['kitchen', 'local-a']);
});

serial('over SSH, a killed worker and a dropped connection lose only their unfinished trees: same forest', async (t) => {
  const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
  t.is((await run(['provision'], folder)).exitCode, 0);
  const inventory = loadInventory(join(folder, 'inventory.yaml'));
  const hosts = selectHosts(inventory, 'ssh-a,ssh-b');
  const data = makeClassification({samples: 3000, features: 10, informative: 5, classes: 2, seed: 8});
  const workers = await WorkerSet.open(hosts);
  const forest = (list: WorkerClient[], onTree?: (done: number) => void) =>
    trainForest({workers: list, dataset: data, datasetHash: hashDataset(data), options: {trainer: 'native', maxFeatures: 'sqrt'}, trees: 40, forestSeed: 1, schedule: dynamicSchedule({hosts, trees: 40}), onTree});
  const encode = (trees: Uint8Array[]) => trees.map((tree) => Buffer.from(tree).toString('base64'));
  try {
    const undisturbed = encode((await forest(workers.get(['ssh-a', 'ssh-b']))).trees);
    const [, b] = workers.get(['ssh-a', 'ssh-b']);
    // The remote worker is a process on this machine: kill it as a crash would.
    const killed = await forest(workers.get(['ssh-a', 'ssh-b']), (done) => done === 3 && crashAlone(workers.get(['ssh-a', 'ssh-b']), b, () => process.kill(b.info!.pid, 'SIGKILL')));
    t.deepEqual(encode(killed.trees), undisturbed);
    t.like(killed.faults[0], {host: 'ssh-b', reason: 'exited'});

    const revived = await workers.revive(['ssh-a', 'ssh-b']);
    t.deepEqual(revived.faults, []);
    // Kill the sshd session that carries b's worker: the connection drops.
    const session = Number(readFileSync(`/proc/${revived.workers[1].info!.pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    const dropped = await forest(revived.workers, (done) => done === 3 && crashAlone(revived.workers, revived.workers[1], () => process.kill(session, 'SIGKILL')));
    t.deepEqual(encode(dropped.trees), undisturbed);
    t.is(dropped.faults[0].host, 'ssh-b');
    t.true(['connection-lost', 'exited'].includes(dropped.faults[0].reason), dropped.faults[0].reason);
  } finally {
    await workers.close();
  }
});

serial('a remote worker changed or cut short is refused by bench, with the way to put it right', async (t) => {
  const folder = home({knownHosts: `${sshd.hostKeyLine()}\n`});
  writeFileSync(join(folder, 'experiments/one.yaml'), 'dataset: { kind: synthetic, samples: 300 }\nforest: { trees: 4 }\ncombinations: [[ssh-a]]\nruns: 1\nwarmup: 0\n');
  t.is((await run(['provision', '--hosts', 'ssh-a'], folder)).exitCode, 0);
  const bundle = readFileSync(new URL('../../worker.mjs', import.meta.url));
  const [version] = readdirSync(join(sshd.folder, 'cache', 'cluster')).filter((name) => name.startsWith('worker-'));
  const installed = join(sshd.folder, 'cache', 'cluster', version, 'worker.mjs');
  const expected = createHash('sha256').update(bundle).digest('hex');
  for (const damaged of [Buffer.concat([bundle, Buffer.from('\nprocess.exit(0);\n')]), bundle.subarray(0, bundle.length >> 1)]) {
    writeFileSync(installed, damaged);
    const refused = await run(['bench', '--experiment', 'experiments/one.yaml'], folder);
    t.is(refused.exitCode, 3);
    t.is(refused.stderr, `Error: host ssh-a: the installed worker is not the one provision put there (sha256 ${createHash('sha256').update(damaged).digest('hex')}, expected ${expected}): it was changed or cut short; run: cluster provision --hosts ssh-a\n`);
  }
  t.is((await run(['provision', '--hosts', 'ssh-a'], folder)).exitCode, 0);
  t.deepEqual(readFileSync(installed), bundle);
  const fixed = await run(['bench', '--experiment', 'experiments/one.yaml'], folder);
  t.is(fixed.exitCode, 0, fixed.stderr);
});

serial('known_hosts holding only another key type: that type is negotiated, as OpenSSH does; an unreadable known_hosts or an unsupported ssh config directive is bad input', async (t) => {
  // The server prefers its ed25519 key; only its ecdsa key is recorded.
  const folder = home({knownHosts: `${sshd.hostKeyLine('host_key_ecdsa')}\n`, hosts: `  ssh-a: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }`});
  const status = await run(['status', '--json'], folder);
  t.is(status.exitCode, 0, status.stdout);
  t.like(JSON.parse(status.stdout)[0], {host: 'ssh-a', reachable: true, error: null});

  rmSync(join(folder, 'known_hosts'));
  mkdirSync(join(folder, 'known_hosts'));
  const unreadable = await run(['status'], folder);
  t.is(unreadable.exitCode, 2);
  t.is(unreadable.stderr, `Error: ${join(folder, 'known_hosts')}: cannot read this known_hosts file (EISDIR) (make it a file you can read, or name another with knownHosts: in the inventory)\n`);

  const proxied = home({knownHosts: `${sshd.hostKeyLine()}\n`, hosts: `  ssh-a: { address: pi-far, cores: 1 }`});
  mkdirSync(join(proxied, '.ssh'));
  writeFileSync(join(proxied, '.ssh/config'), `Host pi-far\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  ProxyJump bastion\n`);
  for (const command of [['status'], ['provision']]) {
    const refused = await run(command, proxied);
    t.is(refused.exitCode, 2, refused.stderr);
    t.is(refused.stderr.trimEnd().split('\n').at(-1), `Error: ${join(proxied, '.ssh/config')}:4: ProxyJump: ProxyJump is not supported (it reaches the host through another host), and it applies to 'pi-far' (give the host an address it can reach directly in the inventory, or remove ProxyJump there)`);
  }
});
