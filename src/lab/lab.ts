import {asRoot} from '../text/as-root.js';
import {existsSync, mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {replaceWhole} from '../files/write-whole.js';
import {shellQuote} from '../text/shell-quote.js';
import {binfmtName, checkEmulation, type LabArch, registerBinfmt, unregisterBinfmt} from './arch.js';
import {applyCpuLimits, removeCpuLimits} from './cpu-limits.js';
import {newKey, removeLabFiles} from './files.js';
import {portTaken, speaksSsh} from './probe.js';
import {bootId, type LabProcess, startTimeOf, whoIs} from './processes.js';
import type {LabHost, LabSpec} from './spec.js';
import {LAB_SLOTS, labNames, type LabHostState, type LabState, readState, saveState} from './state.js';
import {
  chrootConfigDir,
  chrootSshd,
  ensureTree,
  type Emulation,
  prepareLayers,
  removeLayers,
  writeNodeWrapper,
} from './rootfs.js';
import {checkLabMachine, LabError, run, runQuietly, startDetached} from './system.js';

export type {LabState} from './state.js';

/** What down did: what it removed, and the processes it left alone because they are no longer the lab's. */
export interface LabDownReport {
  removed: string[];
  spared: string[];
}

const FIRST_PORT = 2201;
/** How long a lab's sshds and relays may take to answer after up started them. */
const SSHD_START_MS = 60_000;
const RELAY = fileURLToPath(new URL('./relay.js', import.meta.url));

/**
 * Builds the lab: a bridge, and per host a network namespace joined to it by a veth pair, its own
 * address in 198.18.0.0/24, an sshd inside it under a cgroup CPU limit, tc tbf on its link and a
 * delaying relay in front of its sshd. Writes lab-inventory.yaml and lab-known_hosts.
 */
export async function labUp(spec: LabSpec, dir: string): Promise<LabState> {
  checkLabMachine();
  await clearLeftovers(dir);
  mkdirSync(dir, {recursive: true});
  const names = await claimSlot(spec);
  const state: LabState = {dir, bridge: names.bridge, gateway: names.gateway, bootId: bootId(), hosts: []};
  try {
    saveState(state);
    await newKey(join(dir, 'user_key'));
    await run('ip', ['addr', 'add', `${names.gateway}/24`, 'dev', names.bridge]);
    await run('ip', ['link', 'set', names.bridge, 'up']);
    const emulated = await emulate(state, spec);
    const knownHosts: string[] = [];
    for (const [i, host] of spec.hosts.entries()) knownHosts.push(await addHost(state, names, host, i, emulated));
    replaceWhole(join(dir, 'known_hosts'), `${knownHosts.join('\n')}\n`);
    replaceWhole(join(dir, 'lab-inventory.yaml'), inventory(state, spec));
    await waitForSshd(state);
    return state;
  } catch (error) {
    await labDown(dir);
    throw error;
  }
}

interface Emulated {
  trees: Map<LabArch, string>;
  how: Emulation;
}

/**
 * For the lab's ARM hosts: its binfmt entries (recorded before they are made), then each
 * architecture's tree. Where the kernel lets no binfmt entry be made (or CLUSTER_LAB_EMULATION is
 * `wrapper`), only `node` is emulated, by a wrapper, behind this machine's sshd and shell.
 */
async function emulate(state: LabState, spec: LabSpec): Promise<Emulated> {
  const arches = [...new Set(spec.hosts.flatMap((host) => host.arch ?? []))];
  const emulated: Emulated = {trees: new Map(), how: 'chroot'};
  if (arches.length === 0) return emulated;
  checkEmulation(arches);
  if (process.env.CLUSTER_LAB_EMULATION === 'wrapper') emulated.how = 'wrapper';
  else emulated.how = await registerLabBinfmt(state, arches);
  for (const arch of arches) emulated.trees.set(arch, await ensureTree(arch, emulated.how));
  return emulated;
}

async function registerLabBinfmt(state: LabState, arches: LabArch[]): Promise<Emulation> {
  const tag = state.bridge.slice('clbr'.length).replace(/^0$/, '');
  state.binfmt = arches.map((arch) => binfmtName(tag, arch));
  saveState(state);
  try {
    state.binfmtMounted = (await registerBinfmt(tag, arches)).mounted;
    return 'chroot';
  } catch {
    await unregisterBinfmt(state.binfmt, false);
    state.binfmt = [];
    return 'wrapper';
  } finally {
    saveState(state);
  }
}

/** One host of the lab, recorded in the state before each step so a failure leaves nothing down cannot find; returns its known_hosts line. */
async function addHost(
  state: LabState,
  names: LabNames,
  host: LabHost,
  i: number,
  emulated: Emulated,
): Promise<string> {
  const entry: LabHostState = {
    name: host.name,
    ...names.host(host.name, i),
    relayPort: FIRST_PORT + i,
    cores: host.cores,
    latencyMs: host.latencyMs,
    jitterMs: host.jitterMs,
    loss: host.loss,
    ...(host.arch && {arch: host.arch}),
  };
  state.hosts.push(entry);
  saveState(state);
  await joinBridge(names.bridge, entry);
  if (host.bandwidthBits) await limitBandwidth(entry.veth, host.bandwidthBits);
  const hostDir = join(state.dir, host.name);
  mkdirSync(join(hostDir, 'cache'), {recursive: true});
  await newKey(join(hostDir, 'host_key'));
  const tree = host.arch && emulated.trees.get(host.arch);
  const chroot = tree && emulated.how === 'chroot';
  // A wrapped host's sessions find the emulated node first on their PATH.
  const path = tree && !chroot ? writeNodeWrapper(hostDir, tree, host.arch!) : undefined;
  const cgroup = entry.cgroup;
  const environment = applyCpuLimits(cgroup, host.cores, host.cpu);
  replaceWhole(join(hostDir, 'sshd_config'), sshdConfig(hostDir, entry.address, state.dir, {path, environment}));
  if (chroot) prepareChroot(state, entry, hostDir, environment);
  const sshd = chroot
    ? chrootSshd(tree, hostDir, entry.netns)
    : `/usr/sbin/sshd -D -e -f ${join(hostDir, 'sshd_config')}`;
  startSshd(entry, sshd, cgroup);
  startRelay(names.gateway, entry);
  saveState(state);
  const [type, blob] = readFileSync(join(hostDir, 'host_key.pub'), 'utf8').split(' ');
  return `[${names.gateway}]:${entry.relayPort} ${type} ${blob}`;
}

type LabNames = ReturnType<typeof labNames>;

/** The host's network namespace, joined to the bridge by a veth pair, with its own address. */
async function joinBridge(bridge: string, entry: LabHostState): Promise<void> {
  await run('ip', ['netns', 'add', entry.netns]);
  await run('ip', ['link', 'add', entry.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', entry.netns]);
  await run('ip', ['link', 'set', entry.veth, 'master', bridge, 'up']);
  await run('ip', ['-n', entry.netns, 'addr', 'add', `${entry.address}/24`, 'dev', 'eth0']);
  await run('ip', ['-n', entry.netns, 'link', 'set', 'eth0', 'up']);
  await run('ip', ['-n', entry.netns, 'link', 'set', 'lo', 'up']);
}

async function limitBandwidth(veth: string, bits: number): Promise<void> {
  const rate = `${Math.round(bits / 1000)}kbit`;
  await run('tc', ['qdisc', 'add', 'dev', veth, 'root', 'tbf', 'rate', rate, 'burst', '64kb', 'latency', '400ms']);
}

/** An emulated host's own layer over its tree, holding its sshd's config and keys at chroot paths; its home and cache are in it. */
function prepareChroot(
  state: LabState,
  entry: LabHostState,
  hostDir: string,
  environment: Record<string, string>,
): void {
  const config = chrootConfigDir(entry.netns);
  prepareLayers(hostDir, entry.netns, {
    sshd_config: sshdConfig(config, entry.address, config, {cacheHere: false, environment}),
    host_key: readFileSync(join(hostDir, 'host_key'), 'utf8'),
    'user_key.pub': readFileSync(join(state.dir, 'user_key.pub'), 'utf8'),
  });
}

/** The host's sshd (the command `sshd`) in its namespace, in its CPU-limited cgroup (see cpu-limits.ts). */
function startSshd(entry: LabHostState, sshd: string, cgroup: string): void {
  // The shell joins the cgroup, then becomes sshd in the namespace: every session and worker inherits both.
  // nsenter enters the network namespace only: `ip netns exec` also mounts a sysfs of its own over
  // /sys, which hid /sys/fs/cgroup from the workers, and so the cgroups their slot threads join.
  entry.sshdPid = startDetached('sh', [
    '-c',
    `echo $$ > ${join(cgroup, 'cgroup.procs')} && exec nsenter --net=/run/netns/${entry.netns} ${sshd}`,
  ]);
  entry.sshdStarted = startedAt(entry.sshdPid);
}

/**
 * A lab that is up here is refused: up over it once tore it down and hung. What is left of one that
 * is not (up was killed, the machine restarted) is cleared.
 */
async function clearLeftovers(dir: string): Promise<void> {
  const state = readState(dir);
  if (!state) return;
  if (isUp(state))
    throw new LabError(
      `a lab is up in ${dir} already (host${state.hosts.length === 1 ? '' : 's'} ${state.hosts.map((h) => h.name).join(', ')}); take it down first: ${asRoot(`cluster lab down --dir ${shellQuote(dir)}`)}`,
    );
  await labDown(dir);
}

function isUp(state: LabState): boolean {
  if (!sameBoot(state)) return false;
  return (
    existsSync(`/sys/class/net/${state.bridge}`) ||
    state.hosts.some(
      (host) =>
        existsSync(`/run/netns/${host.netns}`) ||
        processesOf(state, host).some(({child}) => whoIs(child, state.bootId) === 'ours'),
    )
  );
}

/** False once the machine restarted: the lab's namespaces, links, cgroups and processes went with it. */
function sameBoot(state: LabState): boolean {
  return state.bootId === undefined || state.bootId === bootId();
}

/**
 * Names and addresses no other lab on this machine uses (one left up by a killed run included), so
 * `up` never trips over them: the first lab gets clbr0, cl-<host>, clv<i> and 198.18.0.0/24. The
 * slot is claimed by making its bridge, which only one of two labs coming up at once can do: a
 * look that found it free is not enough (two tests' labs both took slot 0 and one never answered).
 */
async function claimSlot(spec: LabSpec) {
  for (let slot = 0; slot < LAB_SLOTS; slot++) {
    const names = labNames(slot);
    const {host} = names;
    const taken =
      existsSync(`/sys/class/net/${names.bridge}`) ||
      spec.hosts.some(
        (h, i) =>
          existsSync(`/run/netns/${host(h.name, i).netns}`) ||
          existsSync(`/sys/class/net/${host(h.name, i).veth}`) ||
          existsSync(host(h.name, i).cgroup),
      );
    if (taken) continue;
    const claimed = await run('ip', ['link', 'add', names.bridge, 'type', 'bridge']).then(
      () => true,
      () =>
        existsSync(`/sys/class/net/${names.bridge}`)
          ? false
          : Promise.reject(new LabError(`cannot make the bridge ${names.bridge} (ip link add failed)`)),
    );
    if (claimed) return names;
  }
  throw new LabError(`${LAB_SLOTS} labs are up on this machine already; take some down with cluster lab down`);
}

/** Sets every link's latency (each way; or each host's, by name) by restarting the relays: for a latency sweep on a running lab. */
export async function labSetLatency(dir: string, latencyMs: number | Readonly<Record<string, number>>): Promise<void> {
  const state = readState(dir);
  if (!state || !sameBoot(state)) throw new LabError(`no lab is up in ${dir}; start one with cluster lab up`);
  const gateway = gatewayOf(state);
  for (const host of state.hosts) {
    for (const {role, child} of processesOf(state, host))
      if (role === 'relay' && whoIs(child, state.bootId) === 'ours') killQuietly(child.pid);
    host.latencyMs = typeof latencyMs === 'number' ? latencyMs : (latencyMs[host.name] ?? host.latencyMs);
    // The old relay's port is free once it is gone.
    for (let attempt = 0; attempt < 50 && (await portTaken(gateway, host.relayPort)); attempt++)
      await new Promise((r) => setTimeout(r, 20));
    startRelay(gateway, host);
  }
  saveState(state);
  await waitForSshd(state);
}

function gatewayOf(state: LabState): string {
  return state.gateway ?? '198.18.0.1';
}

function startRelay(gateway: string, host: LabHostState): void {
  host.relayPid = startDetached(process.execPath, [
    RELAY,
    gateway,
    String(host.relayPort),
    host.address,
    '22',
    String(host.latencyMs),
    String(host.jitterMs),
    String(host.loss),
  ]);
  host.relayStarted = startedAt(host.relayPid);
}

/** Recorded at up, so down knows the process from one that gets its pid later; one that ended already matches none. */
function startedAt(pid: number): string {
  return startTimeOf(pid) ?? 'ended';
}

/** The host's relay and sshd as the lab started them: what their command lines hold, whatever they became. */
function processesOf(state: LabState, host: LabHostState): {role: string; child: LabProcess}[] {
  const relay = {pid: host.relayPid ?? 0, started: host.relayStarted, marks: ['cluster-lab-relay', RELAY]};
  const marks = [join(state.dir, host.name, 'sshd_config'), `${chrootConfigDir(host.netns)}/sshd_config`];
  const sshd = {pid: host.sshdPid ?? 0, started: host.sshdStarted, marks};
  return [
    {role: 'relay', child: relay},
    {role: 'sshd', child: sshd},
  ].filter(({child}) => child.pid > 0);
}

/**
 * Removes every namespace, link, cgroup, process and file the lab made. Safe to run again, and after
 * a failed up. A pid of the state that another program has now is left alone, and said so.
 */
export async function labDown(dir: string): Promise<LabDownReport> {
  const state = readState(dir);
  const report: LabDownReport = {removed: [], spared: []};
  if (!state) return report;
  // After a restart nothing of the lab is left to take down, and its names may be another lab's now.
  if (sameBoot(state)) await takeDown(state, report);
  for (const host of state.hosts) if (host.arch) removeLayers(join(dir, host.name));
  removeLabFiles(
    dir,
    state.hosts.map((host) => host.name),
  );
  report.removed.push(`the keys, configs and inventory in ${dir}`);
  return report;
}

async function takeDown(state: LabState, report: LabDownReport): Promise<void> {
  for (const host of state.hosts) {
    for (const {role, child} of processesOf(state, host)) {
      const who = whoIs(child, state.bootId);
      if (who === 'ours') killQuietly(child.pid);
      else if (who === 'another')
        report.spared.push(
          `left pid ${child.pid} alone: it is no longer the ${role} of ${host.name} (another program has that pid now)`,
        );
    }
    // Workers and sessions live in the namespace: end them all.
    if (existsSync(`/run/netns/${host.netns}`)) {
      const pids = await run('ip', ['netns', 'pids', host.netns]).catch(() => '');
      for (const pid of pids.split('\n').filter(Boolean)) killQuietly(Number(pid));
      await runQuietly('ip', ['netns', 'del', host.netns]);
      report.removed.push(`namespace ${host.netns}`);
    }
    await runQuietly('ip', ['link', 'del', host.veth]);
    if (existsSync(host.cgroup)) {
      await removeCgroup(host.cgroup);
      report.removed.push(`cgroup ${host.cgroup}`);
    }
  }
  await runQuietly('ip', ['link', 'del', state.bridge]);
  // After the hosts: no emulated process is left to need them.
  report.removed.push(...(await unregisterBinfmt(state.binfmt ?? [], state.binfmtMounted === true)));
}

export function labStatus(
  dir: string,
): {host: string; address: string; relay: string; sshd: boolean; relayUp: boolean; latencyMs: number}[] {
  const state = readState(dir);
  if (!state) return [];
  const running = (host: LabHostState, role: string) =>
    processesOf(state, host).some((p) => p.role === role && whoIs(p.child, state.bootId) === 'ours');
  return state.hosts.map((host) => ({
    host: host.name,
    address: host.address,
    relay: `${gatewayOf(state)}:${host.relayPort}`,
    sshd: running(host, 'sshd'),
    relayUp: running(host, 'relay'),
    latencyMs: host.latencyMs,
  }));
}

/** `hostDir` holds the host key, `dir` the lab's user key; an emulated host keeps its cache in its own home. */
function sshdConfig(
  hostDir: string,
  address: string,
  dir: string,
  {
    cacheHere = true,
    path,
    environment = {},
  }: {cacheHere?: boolean; path?: string; environment?: Record<string, string>} = {},
): string {
  // One SetEnv line: sshd takes the first it reads.
  const variables = {
    ...(cacheHere ? {XDG_CACHE_HOME: join(hostDir, 'cache')} : {}),
    ...(path ? {PATH: path} : {}),
    ...environment,
  };
  const env = Object.entries(variables).map(([name, value]) => `${name}=${value}`);
  return [
    `ListenAddress ${address}`,
    'Port 22',
    `HostKey ${join(hostDir, 'host_key')}`,
    `PidFile ${join(hostDir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'user_key.pub')}`,
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    ...(env.length > 0 ? [`SetEnv ${env.join(' ')}`] : []),
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

function inventory(state: LabState, spec: LabSpec): string {
  const lines = [
    `# Written by cluster lab up from ${spec.file}; removed by cluster lab down.`,
    'knownHosts: known_hosts',
    'connectTimeout: 10',
    `defaults: { user: root, identityFile: ${join(state.dir, 'user_key')} }`,
    'hosts:',
  ];
  // The kind of machine, for the Hardware column: the spec's, else the name without its number (rpi1 -> rpi).
  const kinds = new Map(spec.hosts.map((host) => [host.name, host.kind]));
  for (const host of state.hosts)
    lines.push(
      `  ${host.name}: { address: ${gatewayOf(state)}, port: ${host.relayPort}, cores: ${host.cores}, labels: [${kinds.get(host.name) ?? (host.name.replace(/-?\d+$/, '') || host.name)}] }`,
    );
  return `${lines.join('\n')}\n`;
}

/** Until each host's sshd answers through its relay, as the coordinator will reach it. */
async function waitForSshd(state: LabState): Promise<void> {
  // A deadline, not a count of tries: sshd and the relay start in well under a second on a quiet
  // machine but took over 5 s on a CI machine running every test file at once.
  const deadline = performance.now() + SSHD_START_MS;
  for (const host of state.hosts) {
    while (!(await speaksSsh(gatewayOf(state), host.relayPort))) {
      if (performance.now() > deadline)
        throw new LabError(
          `lab host ${host.name} does not answer on ${gatewayOf(state)}:${host.relayPort} within ${SSHD_START_MS / 1000} s; see ${join(state.dir, host.name)}`,
        );
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
  }
}

async function removeCgroup(dir: string): Promise<void> {
  // Processes take a moment to leave after being killed.
  for (let attempt = 0; attempt < 50 && !removeCpuLimits(dir); attempt++)
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
