import {execFileSync} from 'node:child_process';
import {existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import {runBench} from '../../src/sweep/sweep.js';
import {loadExperiment} from '../../src/config/experiment.js';
import {loadInventory} from '../../src/config/inventory.js';
import {InputError} from '../../src/errors.js';
import {labDown, labSetLatency, labStatus, labUp} from '../../src/lab/lab.js';
import {speaksSsh} from '../../src/lab/probe.js';
import {loadLabSpec} from '../../src/lab/spec.js';
import {provisionHosts} from '../../src/provision/provision.js';
import {hostStatuses} from '../../src/status/status.js';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {sshdUnavailable} from '../helpers/sshd.js';

// A three-host lab: namespaces, sshd, cgroups, relays. Root and Linux; under CI it must run.
const unavailable =
  process.platform !== 'linux'
    ? 'the lab needs Linux'
    : (sshdUnavailable() ??
      (existsSync('/usr/sbin/ip') ? undefined : '/usr/sbin/ip is missing (apt-get install iproute2)'));
if (unavailable && process.env.CI === 'true') throw new Error(`the lab test must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the lab test: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest.serial) as TestFn;

const LAB = `lab:
  hosts:
    slow: { cores: 1, cpu: 0.3, latency: 20ms, bandwidth: 100mbit }
    fast: { cores: 1, cpu: 0.9, latency: 1ms }
    cut: { cores: 1, cpu: 0.9, latency: 1ms, loss: 0.01 }
dataset: { kind: synthetic, samples: 6000, features: 10, informative: 5, seed: 4 }
forest: { trees: 600 }
combinations: [[slow, fast, cut]]
runs: 2
warmup: 0
heartbeatTimeout: 5
`;

test('lab up, provision, a bench with one link cut mid-run, lab down: nothing left behind', async (t) => {
  const folder = folderWith({'lab.yaml': LAB});
  const dir = join(folder, 'lab');
  const spec = loadLabSpec(join(folder, 'lab.yaml'));
  const state = await labUp(spec, dir);
  try {
    const inventory = loadInventory(join(dir, 'lab-inventory.yaml'));
    const hosts = [...inventory.hosts.values()];
    const provisioned = await provisionHosts(hosts, {});
    t.deepEqual(
      provisioned.map((p) => [p.host, p.ok, p.error]),
      [
        ['slow', true, null],
        ['fast', true, null],
        ['cut', true, null],
      ],
    );

    // The relay's delay, as status measures it: 20 ms each way on slow.
    const [slow] = await hostStatuses([inventory.hosts.get('slow')!], {});
    t.true(slow.latencyMs! >= 40 * 0.8 && slow.latencyMs! <= 40 * 1.5, `round trip ${slow.latencyMs} ms for 2 x 20 ms`);

    const cut = state.hosts.find((h) => h.name === 'cut')!;
    let severed: Promise<unknown> | undefined;
    const result = await runBench({
      experiment: loadExperiment(join(folder, 'lab.yaml')),
      inventory,
      resultsDir: join(folder, 'results'),
      onProgress: (p) => {
        if (p.done >= 5 && !severed) severed = execa('ip', ['link', 'set', cut.veth, 'down']);
      },
    });
    t.truthy(severed, 'the link was cut');
    await t.notThrowsAsync(severed!);
    const [row] = result.rows;
    t.is(row.status, 'ok');
    // Every run ends with the complete forest, the same one.
    for (const run of row.runs)
      t.is(
        run.hosts.reduce((sum, h) => sum + h.items, 0),
        600,
      );
    t.is(row.runs[0].accuracy, row.runs[1].accuracy);
    // The cut host is lost during the first run (silent), or, if the others finished first, when
    // the second run tries to start its worker again (no answer): either way it is a recorded fault.
    const faults = row.runs.flatMap((run) => run.faults);
    t.true(faults.length > 0 && faults.every((fault) => fault.host === 'cut'), JSON.stringify(faults));
    t.true(
      faults.some((fault) => ['silent', 'connection-lost', 'timeout'].includes(fault.reason)),
      JSON.stringify(faults),
    );
  } finally {
    const {removed} = await labDown(dir);
    t.true(removed.length >= 3);
    t.deepEqual(await labDown(dir), {removed: [], spared: []}, 'down is idempotent');
  }
  const namespaces = String((await execa('ip', ['netns', 'list'])).stdout);
  for (const host of state.hosts) {
    t.false(namespaces.includes(host.netns), `namespace ${host.netns} is gone`);
    t.false(existsSync(host.cgroup), `cgroup ${host.cgroup} is gone`);
    for (const pid of [host.sshdPid, host.relayPid]) t.false(existsSync(`/proc/${pid}`), `process ${pid} is gone`);
  }
  t.false(String((await execa('ip', ['link', 'show'], {reject: false})).stdout).includes(state.bridge));
  t.false(existsSync(dir), 'its keys, configs, inventory and state are gone, and its folder with them');
});

const RING_LAB = `lab:
  hosts:
    ra: { cores: 1, cpu: 0.5, latency: 1ms }
    rb: { cores: 1, cpu: 0.5, latency: 1ms }
    rc: { cores: 1, cpu: 0.3, latency: 5ms }
workload: network
dataset: { kind: synthetic, samples: 3000, features: 12, informative: 6, classes: 3, seed: 2 }
network: { layers: [32, 16], epochs: 2, batchSize: 300, reduce: ring }
combinations: [[ra, rb, rc]]
runs: 1
warmup: 0
`;

test("a network reduced in a ring of lab hosts: the hosts listen on their own bridge address only, and the weights are the central reduction's; PyTorch's DDP trains on the same hosts", async (t) => {
  const folder = folderWith({
    'ring.yaml': RING_LAB,
    'central.yaml': RING_LAB.replace('reduce: ring', 'reduce: central'),
    // DDP's steps are short: enough epochs to learn.
    'torch.yaml': RING_LAB.replace('reduce: ring', 'reduce: central').replace('epochs: 2', 'epochs: 30'),
  });
  const dir = join(folder, 'lab');
  const state = await labUp(loadLabSpec(join(folder, 'ring.yaml')), dir);
  try {
    const inventory = loadInventory(join(dir, 'lab-inventory.yaml'));
    t.true((await provisionHosts([...inventory.hosts.values()], {})).every((p) => p.ok));
    const listening: string[] = [];
    let looked: Promise<void> | undefined;
    const ring = await runBench({
      experiment: loadExperiment(join(folder, 'ring.yaml')),
      inventory,
      resultsDir: join(folder, 'results'),
      onProgress: (p) => {
        if (p.done < 10 || looked) return;
        looked = (async () => {
          for (const host of state.hosts) {
            const ss = await execa('ip', ['netns', 'exec', host.netns, 'ss', '-ltnH']);
            listening.push(
              ...String(ss.stdout)
                .split('\n')
                .filter(Boolean)
                .map((line) => `${host.address} ${line.split(/\s+/)[3]}`),
            );
          }
        })();
      },
    });
    await looked;
    const central = await runBench({
      experiment: loadExperiment(join(folder, 'central.yaml')),
      inventory,
      resultsDir: join(folder, 'results-central'),
    });
    // PyTorch's DDP on the same lab hosts: a rank per host over its SSH session, gloo on its own bridge address.
    const torch = await runBench({
      experiment: loadExperiment(join(folder, 'torch.yaml')),
      inventory,
      resultsDir: join(folder, 'results-torch'),
      engine: 'torch',
    });
    t.is(torch.rows[0].status, 'ok', torch.rows[0].error);
    t.true(torch.rows[0].accuracy! > 0.6, `torch accuracy ${torch.rows[0].accuracy}`);
    t.deepEqual(
      torch.rows[0].runs[0].hosts.map((h) => h.host),
      ['ra', 'rb', 'rc'],
    );
    t.is(ring.rows[0].status, 'ok');
    t.deepEqual(ring.rows[0].runs[0].faults, []);
    t.regex(ring.rows[0].runs[0].weightsHash ?? '', /^[0-9a-f]{64}$/);
    t.is(ring.rows[0].runs[0].weightsHash, central.rows[0].runs[0].weightsHash);
    // sshd and the ring's listener in each namespace, each on the host's own address, none on every interface.
    t.true(listening.length >= 2 * state.hosts.length, listening.join('; '));
    for (const entry of listening) {
      const [address, local] = entry.split(' ');
      t.true(local.startsWith(`${address}:`), entry);
    }
  } finally {
    await labDown(dir);
  }
});

const ONE = 'lab:\n  hosts:\n    again: { cores: 1, cpu: 0.5, latency: 1ms }\n';

test('up, down, up again in the same folder, over the keys an older down left; up over a lab that is up is refused and leaves it up', async (t) => {
  // Each step ends, or the test fails: ssh-keygen once waited at "Overwrite (y/n)?" for good.
  t.timeout(240_000, 'a lab up or down hung');
  const folder = folderWith({
    'lab.yaml': ONE,
    'lab/user_key': 'left by an older lab down',
    'lab/again/host_key': 'left too',
  });
  const dir = join(folder, 'lab');
  const spec = loadLabSpec(join(folder, 'lab.yaml'));
  // Links planted at names up writes (another user's, in a shared folder) are replaced, never written through.
  const victim = join(folder, 'victim');
  writeFileSync(victim, 'untouched');
  const planted = ['known_hosts', 'lab-inventory.yaml', 'again/sshd_config'];
  for (const name of planted) symlinkSync(victim, join(dir, name));
  await labUp(spec, dir);
  t.is(readFileSync(victim, 'utf8'), 'untouched');
  for (const name of planted) t.true(lstatSync(join(dir, name)).isFile(), `${name} is a file of the lab's own`);
  const before = readFileSync(join(dir, 'state.json'), 'utf8');
  await labDown(dir);
  for (const file of ['user_key', 'user_key.pub', 'known_hosts', 'lab-inventory.yaml', 'state.json', 'again'])
    t.false(existsSync(join(dir, file)), `${file} is gone`);
  // The same state after a reboot: nothing of it is left, and its names may be another lab's now.
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'state.json'),
    JSON.stringify({...JSON.parse(before), bootId: 'a-boot-before-the-last-reboot'}),
  );
  const state = await labUp(spec, dir);
  try {
    const up = readFileSync(join(dir, 'state.json'), 'utf8');
    const refused = await cluster(['lab', 'up', '--spec', 'lab.yaml', '--dir', 'lab'], folder);
    t.is(refused.exitCode, 5, refused.stderr);
    t.is(
      refused.stderr,
      `Error: a lab is up in ${dir} already (host again); take it down first: ${process.getuid?.() === 0 ? '' : 'sudo '}cluster lab down --dir ${dir}\n`,
    );
    t.is(readFileSync(join(dir, 'state.json'), 'utf8'), up, 'the lab that is up was not touched');
    t.deepEqual(
      labStatus(dir).map((h) => [h.host, h.sshd, h.relayUp]),
      [['again', true, true]],
    );
    t.true(await speaksSsh(state.gateway!, state.hosts[0].relayPort));
    // A latency sweep restarts the relay it started, and only that one.
    const relay = state.hosts[0].relayPid!;
    await labSetLatency(dir, 5);
    t.false(existsSync(`/proc/${relay}`), 'the old relay was stopped');
    t.deepEqual(
      labStatus(dir).map((h) => [h.relayUp, h.latencyMs]),
      [[true, 5]],
    );
  } finally {
    await labDown(dir);
  }
  t.false(existsSync(dir));
});

test('lab spec errors name the field', async (t) => {
  const folder = folderWith({
    'bad.yaml': 'lab:\n  hosts:\n    Pi_1: { cores: 1 }\n',
    'bad2.yaml': 'lab:\n  hosts:\n    pi: { latency: fast }\n',
  });
  t.throws(() => loadLabSpec(join(folder, 'bad.yaml')), {
    message: `${join(folder, 'bad.yaml')}:3: lab.hosts.Pi_1: lab host name 'Pi_1' is not allowed (use up to 12 lower-case letters, digits and dashes (it names a network namespace))`,
  });
  t.throws(() => loadLabSpec(join(folder, 'bad2.yaml')), {
    message: `${join(folder, 'bad2.yaml')}:3: lab.hosts.pi.latency: 'fast' is not a duration (write e.g. 2ms, 0.5ms or 1s)`,
  });
});

test('a lab state that was edited or cut short is bad input, not "no lab is up" (its namespaces would be left)', async (t) => {
  for (const text of [
    '{"hosts": 5}',
    'garbage',
    '{"bridge": "clbr0", "hosts": [{"name": 1}]}',
    '{"bridge": "clbr0", "hos',
  ]) {
    const folder = folderWith({'state.json': text});
    t.throws(
      () => labStatus(folder),
      {instanceOf: InputError, message: /state\.json: not (JSON|the state of a lab): was it edited\?/},
      text,
    );
    await t.throwsAsync(labDown(folder), {instanceOf: InputError}, text);
  }
  t.deepEqual(labStatus(folderWith()), [], 'no state: no lab');
  // A state that is a pipe: refused by name, not waited on.
  const piped = folderWith();
  execFileSync('mkfifo', [join(piped, 'state.json')]);
  t.throws(() => labStatus(piped), {
    instanceOf: InputError,
    message: `${join(piped, 'state.json')}: is a pipe (FIFO), not a file (save its contents to a file and name that file)`,
  });
});
