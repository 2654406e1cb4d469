import {existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync} from 'node:fs';
import {basename, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {LIMITS} from '../limits.js';
import {portTaken, speaksSsh} from './probe.js';
import type {LabSpec} from './spec.js';
import {checkLabMachine, cpuCgroup, LabError, run, runQuietly, startDetached} from './system.js';

/** Everything a lab made, so `down` can remove exactly that, even after a failed `up`. */
export interface LabState {
  dir: string;
  bridge: string;
  /** The bridge's address: every relay listens on it (labs written before it existed used 198.18.0.1). */
  gateway?: string;
  hosts: {name: string; netns: string; veth: string; address: string; relayPort: number; cgroup: string; sshdPid?: number; relayPid?: number; cores: number; latencyMs: number; jitterMs: number; loss: number}[];
}

const FIRST_PORT = 2201;
/** Labs that can be up at once, each in its own 198.18.<slot>.0/24. */
const SLOTS = 64;
const RELAY = fileURLToPath(new URL('./relay.js', import.meta.url));

/**
 * Builds the lab: a bridge, and per host a network namespace joined to it by a veth pair, its own
 * address in 198.18.0.0/24, an sshd inside it under a cgroup CPU limit, tc tbf on its link and a
 * delaying relay in front of its sshd. Writes lab-inventory.yaml and lab-known_hosts.
 */
export async function labUp(spec: LabSpec, dir: string): Promise<LabState> {
  checkLabMachine();
  await labDown(dir);
  mkdirSync(dir, {recursive: true});
  const names = freeSlot(spec);
  const state: LabState = {dir, bridge: names.bridge, gateway: names.gateway, hosts: []};
  const {bridge, gateway} = names;
  try {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'user_key')]);
    await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${gateway}/24`, 'dev', bridge]);
    await run('ip', ['link', 'set', bridge, 'up']);
    const knownHosts: string[] = [];
    for (const [i, host] of spec.hosts.entries()) {
      const entry: LabState['hosts'][number] = {name: host.name, ...names.host(host.name, i), relayPort: FIRST_PORT + i, cores: host.cores, latencyMs: host.latencyMs, jitterMs: host.jitterMs, loss: host.loss};
      state.hosts.push(entry);
      saveState(state);
      await run('ip', ['netns', 'add', entry.netns]);
      await run('ip', ['link', 'add', entry.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', entry.netns]);
      await run('ip', ['link', 'set', entry.veth, 'master', bridge, 'up']);
      await run('ip', ['-n', entry.netns, 'addr', 'add', `${entry.address}/24`, 'dev', 'eth0']);
      await run('ip', ['-n', entry.netns, 'link', 'set', 'eth0', 'up']);
      await run('ip', ['-n', entry.netns, 'link', 'set', 'lo', 'up']);
      if (host.bandwidthBits) await run('tc', ['qdisc', 'add', 'dev', entry.veth, 'root', 'tbf', 'rate', `${Math.round(host.bandwidthBits / 1000)}kbit`, 'burst', '64kb', 'latency', '400ms']);

      const hostDir = join(dir, host.name);
      mkdirSync(join(hostDir, 'cache'), {recursive: true});
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(hostDir, 'host_key')]);
      writeFileSync(join(hostDir, 'sshd_config'), sshdConfig(hostDir, entry.address, dir));
      const cgroup = cpuCgroup(basename(entry.cgroup));
      mkdirSync(cgroup.dir, {recursive: true});
      for (const [file, value] of cgroup.limit(host.cpu * host.cores)) writeFileSync(join(cgroup.dir, file), value);
      // The shell joins the cgroup, then becomes sshd in the namespace: every session and worker inherits both.
      entry.sshdPid = startDetached('sh', ['-c', `echo $$ > ${join(cgroup.dir, 'cgroup.procs')} && exec ip netns exec ${entry.netns} /usr/sbin/sshd -D -e -f ${join(hostDir, 'sshd_config')}`]);
      entry.relayPid = startRelay(gateway, entry);
      saveState(state);
      const [type, blob] = readFileSync(join(hostDir, 'host_key.pub'), 'utf8').split(' ');
      knownHosts.push(`[${gateway}]:${entry.relayPort} ${type} ${blob}`);
    }
    writeFileSync(join(dir, 'known_hosts'), `${knownHosts.join('\n')}\n`);
    writeFileSync(join(dir, 'lab-inventory.yaml'), inventory(state, spec));
    await waitForSshd(state);
    return state;
  } catch (error) {
    await labDown(dir);
    throw error;
  }
}

/**
 * Names and addresses no other lab on this machine uses (one left up by a killed run included), so
 * `up` never trips over them: the first lab gets clbr0, cl-<host>, clv<i> and 198.18.0.0/24.
 */
function freeSlot(spec: LabSpec) {
  for (let slot = 0; slot < SLOTS; slot++) {
    const tag = slot === 0 ? '' : String(slot);
    const host = (name: string, i: number) => ({netns: `cl${tag}-${name}`, veth: `cl${tag}v${i}`, address: `198.18.${slot}.${10 + i}`, cgroup: cpuCgroup(`cluster-lab${tag}-${name}`).dir});
    const names = {bridge: `clbr${slot}`, gateway: `198.18.${slot}.1`, host};
    const taken = existsSync(`/sys/class/net/${names.bridge}`) || spec.hosts.some((h, i) => existsSync(`/run/netns/${host(h.name, i).netns}`) || existsSync(`/sys/class/net/${host(h.name, i).veth}`) || existsSync(host(h.name, i).cgroup));
    if (!taken) return names;
  }
  throw new LabError(`${SLOTS} labs are up on this machine already; take some down with cluster lab down`);
}

/** Sets every link's latency (each way; or each host's, by name) by restarting the relays: for a latency sweep on a running lab. */
export async function labSetLatency(dir: string, latencyMs: number | Readonly<Record<string, number>>): Promise<void> {
  const state = readState(dir);
  if (!state) throw new LabError(`no lab is up in ${dir}; start one with cluster lab up`);
  const gateway = gatewayOf(state);
  for (const host of state.hosts) {
    if (host.relayPid) killQuietly(host.relayPid);
    host.latencyMs = typeof latencyMs === 'number' ? latencyMs : (latencyMs[host.name] ?? host.latencyMs);
    // The old relay's port is free once it is gone.
    for (let attempt = 0; attempt < 50 && (await portTaken(gateway, host.relayPort)); attempt++) await new Promise((r) => setTimeout(r, 20));
    host.relayPid = startRelay(gateway, host);
  }
  saveState(state);
  await waitForSshd(state);
}

function gatewayOf(state: LabState): string {
  return state.gateway ?? '198.18.0.1';
}

function startRelay(gateway: string, host: LabState['hosts'][number]): number {
  return startDetached(process.execPath, [RELAY, gateway, String(host.relayPort), host.address, '22', String(host.latencyMs), String(host.jitterMs), String(host.loss)]);
}


/** Removes every namespace, link, cgroup and process the lab made. Safe to run again, and after a failed up. */
export async function labDown(dir: string): Promise<string[]> {
  const state = readState(dir);
  const removed: string[] = [];
  if (!state) return removed;
  for (const host of state.hosts) {
    for (const pid of [host.relayPid, host.sshdPid]) if (pid) killQuietly(pid);
    // Workers and sessions live in the namespace: end them all.
    if (existsSync(`/run/netns/${host.netns}`)) {
      const pids = await run('ip', ['netns', 'pids', host.netns]).catch(() => '');
      for (const pid of pids.split('\n').filter(Boolean)) killQuietly(Number(pid));
      await runQuietly('ip', ['netns', 'del', host.netns]);
      removed.push(`namespace ${host.netns}`);
    }
    await runQuietly('ip', ['link', 'del', host.veth]);
    if (existsSync(host.cgroup)) {
      await removeCgroup(host.cgroup);
      removed.push(`cgroup ${host.cgroup}`);
    }
  }
  await runQuietly('ip', ['link', 'del', state.bridge]);
  rmSync(join(dir, 'state.json'), {force: true});
  return removed;
}

export function labStatus(dir: string): {host: string; address: string; relay: string; sshd: boolean; relayUp: boolean; latencyMs: number}[] {
  const state = readState(dir);
  if (!state) return [];
  return state.hosts.map((host) => ({host: host.name, address: host.address, relay: `${gatewayOf(state)}:${host.relayPort}`, sshd: alive(host.sshdPid), relayUp: alive(host.relayPid), latencyMs: host.latencyMs}));
}

function sshdConfig(hostDir: string, address: string, dir: string): string {
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
    `SetEnv XDG_CACHE_HOME=${join(hostDir, 'cache')}`,
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

function inventory(state: LabState, spec: LabSpec): string {
  const lines = [`# Written by cluster lab up from ${spec.file}; removed by cluster lab down.`, 'knownHosts: known_hosts', 'connectTimeout: 10', `defaults: { user: root, identityFile: ${join(state.dir, 'user_key')} }`, 'hosts:'];
  // The kind of machine, for the Hardware column: the name without its number (rpi1 -> rpi).
  for (const host of state.hosts) lines.push(`  ${host.name}: { address: ${gatewayOf(state)}, port: ${host.relayPort}, cores: ${host.cores}, labels: [${host.name.replace(/-?\d+$/, '') || host.name}] }`);
  return `${lines.join('\n')}\n`;
}

/** Until each host's sshd answers through its relay, as the coordinator will reach it. */
async function waitForSshd(state: LabState): Promise<void> {
  for (const host of state.hosts) {
    for (let attempt = 0; !(await speaksSsh(gatewayOf(state), host.relayPort)); attempt++) {
      if (attempt > 100) throw new LabError(`lab host ${host.name} does not answer on ${gatewayOf(state)}:${host.relayPort}; see ${join(state.dir, host.name)}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
  }
}


async function removeCgroup(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch {
      // Processes take a moment to leave after being killed.
      await new Promise((resolveWait) => setTimeout(resolveWait, 50));
    }
  }
}

function saveState(state: LabState): void {
  writeFileSync(join(state.dir, 'state.json'), JSON.stringify(state, null, 1));
}

/**
 * The lab's state, or undefined when no lab was made here. A state that cannot be read or is not a
 * lab's (edited, cut short) is bad input: taken for "no lab", its namespaces would be left up.
 */
function readState(dir: string): LabState | undefined {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return undefined;
  let state: LabState;
  try {
    state = JSON.parse(readTextFile(file, {limit: LIMITS.yamlBytes, what: "a lab's state", tooLargeFix: ''}));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw damagedState(file, error instanceof SyntaxError ? 'not JSON' : `cannot read it (${(error as NodeJS.ErrnoException).code})`);
  }
  const isHost = (host: unknown) => typeof host === 'object' && host !== null && ['name', 'netns', 'veth', 'address', 'cgroup'].every((key) => typeof (host as Record<string, unknown>)[key] === 'string');
  if (typeof state !== 'object' || state === null || typeof state.bridge !== 'string' || !Array.isArray(state.hosts) || !state.hosts.every(isHost)) throw damagedState(file, 'not the state of a lab');
  return state;
}

function damagedState(file: string, problem: string): InputError {
  return new InputError({file, problem: `${problem}: was it edited?`, fix: "put back the one lab up wrote, or remove it and delete the lab's namespaces (ip netns list, cl-*) and bridge (ip link, clbr*) by hand"});
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
