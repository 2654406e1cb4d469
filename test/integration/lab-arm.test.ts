import {createHash} from 'node:crypto';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import {loadExperiment} from '../../src/config/experiment.js';
import {loadInventory} from '../../src/config/inventory.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {trainForest} from '../../src/coordinator/train-forest.js';
import {trainNetworkAcross} from '../../src/coordinator/train-network.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {EMULATIONS} from '../../src/lab/arch.js';
import {labDown, labUp} from '../../src/lab/lab.js';
import {loadLabSpec} from '../../src/lab/spec.js';
import {DEFAULT_NETWORK} from '../../src/network/spec.js';
import {standardisationOf, standardise} from '../../src/network/standardise.js';
import {provisionHosts} from '../../src/provision/provision.js';
import {dynamicSchedule} from '../../src/schedule/dynamic.js';
import {hostStatuses} from '../../src/status/status.js';
import {runBench} from '../../src/sweep/sweep.js';
import {folderWith} from '../helpers/files.js';
import {sshdUnavailable} from '../helpers/sshd.js';

// An arm64 lab host (Debian bookworm's sshd, shell and Node.js 18 under qemu-user, chrooted) beside
// an x86 one. Root, Linux, qemu-user-static and debootstrap; under CI it must run.
const unavailable =
  process.platform !== 'linux'
    ? 'the lab needs Linux'
    : (sshdUnavailable() ??
      (existsSync('/usr/sbin/ip') ? undefined : '/usr/sbin/ip is missing (apt-get install iproute2)') ??
      (existsSync(EMULATIONS.arm64.qemu) && existsSync('/usr/sbin/debootstrap')
        ? undefined
        : 'qemu-user-static or debootstrap is missing (apt-get install qemu-user-static debootstrap)'));
if (unavailable && process.env.CI === 'true') throw new Error(`the ARM lab test must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the ARM lab test: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest.serial) as TestFn;

// Emulated, a tree takes ~9x as long and a worker ~2.5 s to start: a small forest, a patient heartbeat.
const LAB = `lab:
  hosts:
    pi: { cores: 1, arch: arm64, latency: 1ms }
    pc: { cores: 1, cpu: 0.5, latency: 1ms }
dataset: { kind: synthetic, samples: 1500, features: 8, informative: 4, seed: 3 }
forest: { trees: 12, seed: 5 }
combinations: [[pi], [pc], [pi, pc]]
runs: 1
warmup: 0
heartbeatTimeout: 30
`;

const BINFMT = '/proc/sys/fs/binfmt_misc';

test('an arm64 lab host beside an x86 one: Node 18 on arm64, the same forest and network bytes, and lab down leaves nothing', async (t) => {
  // The first run on a machine builds the arm64 tree (debootstrap, its second stage emulated).
  t.timeout(30 * 60_000);
  const folder = folderWith({'lab.yaml': LAB});
  const dir = join(folder, 'lab');
  const binfmtWasMounted = existsSync(`${BINFMT}/register`);
  const started = performance.now();
  const state = await labUp(loadLabSpec(join(folder, 'lab.yaml')), dir);
  t.log(`lab up: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  try {
    const inventory = loadInventory(join(dir, 'lab-inventory.yaml'));
    const hosts = [...inventory.hosts.values()];
    const provisioned = await provisionHosts(hosts, {});
    t.deepEqual(
      provisioned.map((p) => [p.host, p.ok, p.error]),
      [
        ['pi', true, null],
        ['pc', true, null],
      ],
    );
    const [pi, pc] = await hostStatuses(hosts, {});
    t.like(pi, {host: 'pi', arch: 'arm64', ready: true, error: null});
    // Its own /proc: the machine's CPU (qemu-user shows the real one) and memory.
    t.true(pi.memoryBytes! > 0 && pi.cpu !== 'unknown', `${pi.cpu}, ${pi.memoryBytes} bytes`);
    t.regex(pi.node ?? '', /^v18\./, 'Debian bookworm’s Node.js, as apt gives a Pi');
    t.like(pc, {host: 'pc', arch: process.arch, node: process.version, ready: true});

    // The same seed, the same bytes: the arm64 worker alone, the x86 one alone, and this process's own.
    const data = makeClassification({samples: 1200, features: 8, informative: 4, classes: 2, seed: 9});
    const local = {name: 'here', transport: 'local' as const, cores: 1, labels: []};
    const workers = await WorkerSet.open([...hosts, local], 30_000);
    try {
      const [piWorker] = workers.get(['pi']);
      t.is(piWorker.info?.arch, 'arm64', 'the worker says what it runs on');
      const forestOf = async (name: string) => {
        const [worker] = workers.get([name]);
        const forest = await trainForest({
          workers: [worker],
          dataset: data,
          datasetHash: hashDataset(data),
          options: {trainer: 'native', maxFeatures: 'sqrt'},
          trees: 6,
          forestSeed: 11,
          schedule: dynamicSchedule({hosts: [worker.host], trees: 6}),
        });
        const hash = createHash('sha256');
        for (const tree of forest.trees) hash.update(tree);
        return {hash: hash.digest('hex'), seconds: forest.seconds};
      };
      const onPi = await forestOf('pi');
      const onPc = await forestOf('pc');
      const here = await forestOf('here');
      t.log(
        `6 trees: arm64 emulated ${onPi.seconds.toFixed(2)} s, x86 lab host ${onPc.seconds.toFixed(2)} s, local ${here.seconds.toFixed(2)} s`,
      );
      t.is(onPi.hash, here.hash);
      t.is(onPc.hash, here.hash);

      // A network's weights too: the WebAssembly SIMD kernels give the same bits on arm64 (NEON) as
      // on x86 (SSE), alone and with the arm64 host beside an x86 one.
      const rows = standardise(data, standardisationOf(data));
      const networkOf = async (names: string[]) =>
        (
          await trainNetworkAcross({
            workers: workers.get(names),
            dataset: rows,
            datasetHash: hashDataset(rows),
            spec: {...DEFAULT_NETWORK, layers: [24, 12], epochs: 2, batchSize: 100, seed: 4},
            split: 'proportional',
          })
        ).weightsHash;
      const networkHere = await networkOf(['here']);
      t.is(await networkOf(['pi']), networkHere);
      t.is(await networkOf(['pi', 'here']), networkHere);
    } finally {
      await workers.close();
    }

    const result = await runBench({
      experiment: loadExperiment(join(folder, 'lab.yaml')),
      inventory,
      resultsDir: join(folder, 'results'),
    });
    t.deepEqual(
      result.rows.map((row) => [row.hosts, row.status]),
      [
        [['pi'], 'ok'],
        [['pc'], 'ok'],
        [['pi', 'pc'], 'ok'],
      ],
    );
    t.true(
      result.rows.every((row) => row.accuracy === result.rows[0].accuracy),
      'one forest on every combination',
    );
  } finally {
    await labDown(dir);
  }
  t.deepEqual(state.binfmt, [
    state.bridge === 'clbr0' ? 'cluster-lab-arm64' : `cluster-lab${state.bridge.slice(4)}-arm64`,
  ]);
  for (const name of state.binfmt ?? []) t.false(existsSync(`${BINFMT}/${name}`), `binfmt entry ${name} is gone`);
  t.is(existsSync(`${BINFMT}/register`), binfmtWasMounted, 'binfmt_misc is mounted as it was before');
  const namespaces = String((await execa('ip', ['netns', 'list'])).stdout);
  for (const host of state.hosts) {
    t.false(namespaces.includes(host.netns), `namespace ${host.netns} is gone`);
    t.false(existsSync(`/proc/${host.sshdPid}`), `sshd ${host.sshdPid} is gone`);
  }
  t.false(readFileSync('/proc/self/mountinfo', 'utf8').includes(dir), 'nothing of the lab is mounted');
  const left = String((await execa('ps', ['-eo', 'args'])).stdout)
    .split('\n')
    .filter(
      (line) => line.includes(dir) || state.hosts.some((host) => line.includes(`/etc/cluster-lab/${host.netns}/`)),
    );
  t.deepEqual(left, [], 'no process of the lab is left');
  t.false(existsSync(dir), 'its folder is gone');
});

// arm64 again, so CI builds one tree (armhf, by hand, works the same: it adds a tree, ~1-2 min, to a cold run).
const WRAPPED = `lab:
  hosts:
    pi: { cores: 1, arch: arm64, latency: 1ms }
`;

test('an arm64 lab host where binfmt is not used: node wrapped in qemu-aarch64, the same forest bytes, nothing left', async (t) => {
  t.timeout(30 * 60_000);
  const folder = folderWith({'lab.yaml': WRAPPED});
  const dir = join(folder, 'lab');
  process.env.CLUSTER_LAB_EMULATION = 'wrapper';
  let state;
  try {
    state = await labUp(loadLabSpec(join(folder, 'lab.yaml')), dir);
  } finally {
    delete process.env.CLUSTER_LAB_EMULATION;
  }
  try {
    t.deepEqual(state.binfmt ?? [], [], 'no binfmt entry made');
    const inventory = loadInventory(join(dir, 'lab-inventory.yaml'));
    const hosts = [...inventory.hosts.values()];
    t.deepEqual(
      (await provisionHosts(hosts, {})).map((p) => [p.host, p.ok, p.error]),
      [['pi', true, null]],
    );
    const [pi] = await hostStatuses(hosts, {});
    t.like(pi, {host: 'pi', arch: 'arm64', ready: true, error: null});
    t.regex(pi.node ?? '', /^v18\./);
    const data = makeClassification({samples: 800, features: 6, informative: 3, classes: 3, seed: 2});
    const local = {name: 'here', transport: 'local' as const, cores: 1, labels: []};
    const workers = await WorkerSet.open([...hosts, local], 30_000);
    try {
      const hashes = [];
      for (const worker of workers.get(['pi', 'here'])) {
        const forest = await trainForest({
          workers: [worker],
          dataset: data,
          datasetHash: hashDataset(data),
          options: {trainer: 'native', maxFeatures: 'sqrt'},
          trees: 4,
          forestSeed: 3,
          schedule: dynamicSchedule({hosts: [worker.host], trees: 4}),
        });
        hashes.push(createHash('sha256').update(Buffer.concat(forest.trees)).digest('hex'));
      }
      t.is(workers.get(['pi'])[0].info?.arch, 'arm64');
      t.is(hashes[0], hashes[1]);
    } finally {
      await workers.close();
    }
  } finally {
    await labDown(dir);
  }
  t.false(String((await execa('ip', ['netns', 'list'])).stdout).includes(state.hosts[0].netns));
  t.false(existsSync(`/proc/${state.hosts[0].sshdPid}`));
  t.false(existsSync(dir), 'its folder, the wrapper with it, is gone');
});
