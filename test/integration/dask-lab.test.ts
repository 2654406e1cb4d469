import {existsSync, readdirSync, readFileSync, readlinkSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import type {LabState} from '../../src/lab/lab.js';
import {cluster} from '../helpers/cli.js';
import {strangerTries} from '../helpers/dask-stranger.js';
import {folderWith} from '../helpers/files.js';
import {listenersOf, listensEverywhere} from '../helpers/listeners.js';
import {daskProcesses, processesTagged, waitFor} from '../helpers/processes.js';
import {sshdUnavailable} from '../helpers/sshd.js';

// Both engines on a two-host lab: the dask workers run inside the hosts' namespaces. Root and Linux; under CI it must run.
const unavailable =
  process.platform !== 'linux'
    ? 'the lab needs Linux'
    : (sshdUnavailable() ??
      (existsSync('/usr/sbin/ip') ? undefined : '/usr/sbin/ip is missing (apt-get install iproute2)'));
if (unavailable && process.env.CI === 'true')
  throw new Error(`the dask lab test must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the dask lab test: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest.serial) as TestFn;

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

const LAB = `lab:
  hosts:
    dask-a: { cores: 1, cpu: 0.9, latency: 1ms }
    dask-b: { cores: 1, cpu: 0.9, latency: 1ms }
name: dask-lab
dataset: { kind: synthetic, samples: 3000, features: 8, informative: 4, classes: 2, seed: 4 }
forest: { trees: 40, seed: 1 }
combinations: [[dask-a], [dask-a, dask-b]]
runs: 1
warmup: 0
`;

interface Row {
  engine: string;
  status: string;
  hosts: string[];
  accuracy: number;
  efficiency: number | null;
  runs: {hosts: {host: string; items: number}[]}[];
}

test("bench --engine native,dask on a lab: dask workers inside the hosts' namespaces, both tables, nothing left after lab down", async (t) => {
  const folder = folderWith({'lab.yaml': LAB});
  const tag = `dask-lab-${process.pid}-${Date.now()}`;
  const up = await cluster(['lab', 'up', '--spec', 'lab.yaml', '--dir', 'lab'], folder);
  if (up.exitCode !== 0) {
    // Whatever it built before it failed is taken down, so the next lab test starts clean.
    await cluster(['lab', 'down', '--dir', 'lab'], folder);
    t.fail(`lab up exited ${up.exitCode}: ${up.stderr}`);
    return;
  }
  const state = JSON.parse(readFileSync(join(folder, 'lab/state.json'), 'utf8')) as LabState;
  try {
    const provision = await cluster(['provision', '--inventory', 'lab/lab-inventory.yaml'], folder);
    t.is(provision.exitCode, 0, provision.stderr);
    const bench = cluster(
      [
        'bench',
        '--inventory',
        'lab/lab-inventory.yaml',
        '--experiment',
        'lab.yaml',
        '--engine',
        'native,dask',
        '--json',
      ],
      folder,
      {CLUSTER_TEST_TAG: tag},
    );
    // Seen while the dask sweep runs: a dask worker in each host's namespace, not on this machine's.
    let ended = false;
    void bench.finally(() => (ended = true));
    const seen = new Set<string>();
    const schedulerAddresses = new Set<string>();
    const wide: string[] = [];
    await waitFor(() => {
      for (const host of state.hosts) if (daskWorkersIn(host.netns, host.name).length > 0) seen.add(host.name);
      const workers = daskWorkersNamed(state.hosts.map((host) => host.name)).map((entry) => ({
        pid: Number(entry.split(':')[0]),
      }));
      for (const {pid} of [...processesTagged(tag), ...workers]) {
        const listeners = listenersOf(pid);
        wide.push(...listeners.filter(listensEverywhere).map((l) => `${pid}: ${l.address}:${l.port}`));
        if (/dask_driver\.py scheduler /.test(commandOf(pid)))
          for (const l of listeners) schedulerAddresses.add(l.address);
      }
      return seen.size === state.hosts.length || ended;
    });
    const result = await bench;
    t.is(result.exitCode, 0, result.stderr);
    t.deepEqual([...seen].sort(), ['dask-a', 'dask-b'], 'each host ran its dask worker in its namespace');
    t.deepEqual(
      [...schedulerAddresses],
      [state.gateway],
      'the scheduler listens only on the address the hosts reach this machine at',
    );
    t.deepEqual(wide, [], 'nothing listens on every address');

    const {results} = JSON.parse(result.stdout) as {results: {engine: string; rows: Row[]}[]};
    t.deepEqual(
      results.map((r) => r.engine),
      ['native', 'dask'],
    );
    const [native, dask] = results.map((r) => r.rows);
    for (const rows of [native, dask])
      t.deepEqual(
        rows.map((row) => row.status),
        ['ok', 'ok'],
      );
    t.true(dask.every((row) => row.engine === 'dask'));
    const two = dask[1].runs[0];
    t.deepEqual(
      two.hosts.map((host) => host.host),
      ['dask-a', 'dask-b'],
    );
    t.is(
      two.hosts.reduce((sum, host) => sum + host.items, 0),
      40,
    );
    t.true(
      Math.abs(dask[1].accuracy - native[1].accuracy) <= 0.02,
      `dask ${dask[1].accuracy}, native ${native[1].accuracy}`,
    );
    // One host trained every tree of the first row: its efficiency is the training's share of its thread's time.
    t.true(dask[0].efficiency! > 0 && dask[0].efficiency! <= 1, `efficiency ${dask[0].efficiency}`);
    // The engine stopped its workers itself, before any lab down.
    for (const host of state.hosts)
      t.deepEqual(daskWorkersIn(host.netns, host.name), [], `no dask worker left in ${host.netns}`);
  } finally {
    const down = await cluster(['lab', 'down', '--dir', 'lab'], folder);
    t.is(down.exitCode, 0, down.stderr);
  }
  t.deepEqual(daskProcesses(tag), [], 'no scheduler or driver left');
  t.deepEqual(daskWorkersNamed(state.hosts.map((host) => host.name)), [], 'no dask worker left anywhere');
  const namespaces = String((await execa('ip', ['netns', 'list'])).stdout);
  const links = String((await execa('ip', ['link', 'show'])).stdout);
  for (const host of state.hosts) {
    t.false(namespaces.includes(host.netns), `namespace ${host.netns} is gone`);
    t.false(links.includes(`${host.veth}@`) || links.includes(`${host.veth}:`), `link ${host.veth} is gone`);
  }
  t.false(links.includes(`${state.bridge}:`), `bridge ${state.bridge} is gone`);
});

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

test("a stranger on the lab's network cannot use the dask sweep's scheduler or workers", async (t) => {
  const folder = folderWith({
    'lab.yaml': LAB.replace('trees: 40', 'trees: 20000').replace(
      'combinations: [[dask-a], [dask-a, dask-b]]',
      'combinations: [[dask-a, dask-b]]',
    ),
  });
  const tag = `dask-lab-stranger-${process.pid}-${Date.now()}`;
  const up = await cluster(['lab', 'up', '--spec', 'lab.yaml', '--dir', 'lab'], folder);
  if (up.exitCode !== 0) {
    await cluster(['lab', 'down', '--dir', 'lab'], folder);
    t.fail(`lab up exited ${up.exitCode}: ${up.stderr}`);
    return;
  }
  const state = JSON.parse(readFileSync(join(folder, 'lab/state.json'), 'utf8')) as LabState;
  try {
    const bench = execa(
      process.execPath,
      [RUN, 'bench', '--inventory', 'lab/lab-inventory.yaml', '--experiment', 'lab.yaml', '--engine', 'dask'],
      {cwd: folder, reject: false, forceKillAfterDelay: false, env: {CLUSTER_TEST_TAG: tag}},
    );
    t.teardown(() => void bench.kill('SIGKILL'));
    // Both workers up in their namespaces: every listener of the sweep is there to try.
    const targets = await waitFor(() => {
      const scheduler = processesTagged(tag).find(({pid}) =>
        /^\S*python3? \S*dask_driver\.py scheduler /.test(commandOf(pid)),
      );
      const workers = state.hosts.flatMap((host) =>
        daskWorkersIn(host.netns, host.name).map((entry) => Number(entry.split(':')[0])),
      );
      const listeners = [scheduler?.pid, ...workers]
        .flatMap((pid) => (pid ? listenersOf(pid) : []))
        .filter((l) => l.address !== '127.0.0.1');
      return scheduler && workers.length >= 2 && listeners.length >= 3 ? listeners : undefined;
    });
    // A stranger: another machine on the hosts' network (dask-b's namespace), with Python and Dask of its own.
    const marker = join(folder, 'stranger-was-here');
    for (const {address, port} of targets) {
      const tries = await strangerTries(`${address}:${port}`, marker, state.hosts[1].netns);
      t.regex(tries.plain, /^refused: /, `${address}:${port}`);
      t.regex(tries['own certificate'], /^refused: /, `${address}:${port}`);
    }
    t.false(existsSync(marker), 'no command of the stranger ran');
    bench.kill('SIGTERM');
    const result = await bench;
    t.regex(String(result.stderr), /interrupted by SIGTERM/);
  } finally {
    const down = await cluster(['lab', 'down', '--dir', 'lab'], folder);
    t.is(down.exitCode, 0, down.stderr);
  }
  t.deepEqual(daskProcesses(tag), []);
});

/** Dask workers (or their nannies) named `name` whose network namespace is `netns`. */
function daskWorkersIn(netns: string, name: string): string[] {
  let inode: number;
  try {
    inode = statSync(`/run/netns/${netns}`).ino;
  } catch {
    return [];
  }
  return daskWorkersNamed([name]).filter((entry) => {
    try {
      return readlinkSync(`/proc/${entry.split(':')[0]}/ns/net`) === `net:[${inode}]`;
    } catch {
      return false;
    }
  });
}

/** `pid: command` of every dask worker process on this machine named one of `names`. */
function daskWorkersNamed(names: string[]): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return /distributed\.cli\.dask_worker/.test(command) &&
          names.some((name) => command.includes(`--name ${name} `))
          ? [`${pid}: ${command}`]
          : [];
      } catch {
        return [];
      }
    });
}
