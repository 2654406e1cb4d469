import {existsSync, realpathSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {replaceWhole} from '../files/write-whole.js';
import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {printable} from '../text/printable.js';
import {LIMITS} from '../limits.js';
import {isLabBinfmt, type LabArch} from './arch.js';
import {LAB_HOST_NAME} from './spec.js';
import {cpuCgroup} from './system.js';

/** Labs that can be up at once, each in its own 198.18.<slot>.0/24 behind the bridge clbr<slot>. */
export const LAB_SLOTS = 64;

/** Everything a lab made, so `down` can remove exactly that, even after a failed `up`. */
export interface LabState {
  dir: string;
  bridge: string;
  /** The bridge's address: every relay listens on it (labs written before it existed used 198.18.0.1). */
  gateway?: string;
  /** The boot the lab was made in: after a restart nothing of it is left, and its names may be another lab's. */
  bootId?: string;
  hosts: LabHostState[];
  /** The binfmt_misc entries up registered for the lab's ARM hosts, and whether it mounted binfmt_misc itself. */
  binfmt?: string[];
  binfmtMounted?: boolean;
}

export interface LabHostState {
  name: string;
  netns: string;
  veth: string;
  address: string;
  relayPort: number;
  cgroup: string;
  sshdPid?: number;
  relayPid?: number;
  /** When each process started (see processes.ts): a pid alone may be another program's by the time of down. */
  sshdStarted?: string;
  relayStarted?: string;
  cores: number;
  latencyMs: number;
  jitterMs: number;
  loss: number;
  /** An emulated host's architecture: its sshd runs chrooted in a tree of it. */
  arch?: LabArch;
}

export function saveState(state: LabState): void {
  // Replaced whole, never written through a link planted in the lab's folder.
  replaceWhole(join(state.dir, 'state.json'), JSON.stringify(state, null, 1));
}

/**
 * The lab's state, or undefined when no lab was made here. A state that cannot be read or is not a
 * lab's (edited, cut short) is bad input: taken for "no lab", its namespaces would be left up.
 */
export function readState(dir: string): LabState | undefined {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return undefined;
  let state: LabState;
  try {
    state = JSON.parse(readTextFile(file, {limit: LIMITS.yamlBytes, what: "a lab's state", tooLargeFix: ''}));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw damagedState(
      file,
      error instanceof SyntaxError ? 'not JSON' : `cannot read it (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  if (
    typeof state !== 'object' ||
    state === null ||
    typeof state.bridge !== 'string' ||
    !Array.isArray(state.hosts) ||
    !state.hosts.every(isHost)
  )
    throw damagedState(file, 'not the state of a lab');
  const problem = namesProblem(state, dir);
  if (problem) throw damagedState(file, problem.problem, problem.field);
  return state;
}

/** A host's names are checked: down removes files under the folder named after it. */
function isHost(host: unknown): boolean {
  if (typeof host !== 'object' || host === null) return false;
  const fields = host as Record<string, unknown>;
  return (
    ['name', 'netns', 'veth', 'address', 'cgroup'].every((key) => typeof fields[key] === 'string') &&
    LAB_HOST_NAME.test(fields.name as string)
  );
}

/** The bridge, namespaces, links and cgroups lab up makes for slot `slot`: down removes only these. */
export function labNames(slot: number) {
  const tag = slot === 0 ? '' : String(slot);
  const host = (name: string, i: number) => ({
    netns: `cl${tag}-${name}`,
    veth: `cl${tag}v${i}`,
    address: `198.18.${slot}.${10 + i}`,
    cgroup: cpuCgroup(`cluster-lab${tag}-${name}`).dir,
  });
  return {bridge: `clbr${slot}`, gateway: `198.18.${slot}.1`, host};
}

/**
 * What in `state` is not a name lab up makes, or undefined: down deletes what the state names, so a
 * state handed over in someone's folder must not name eth0, another namespace or another cgroup.
 */
function namesProblem(state: LabState, dir: string): {field: string; problem: string} | undefined {
  const slot = /^clbr(\d{1,2})$/.exec(state.bridge);
  if (!slot || Number(slot[1]) >= LAB_SLOTS || String(Number(slot[1])) !== slot[1])
    return {
      field: 'bridge',
      problem: `'${printable(state.bridge)}' is not a lab's bridge (clbr0 to clbr${LAB_SLOTS - 1})`,
    };
  const names = labNames(Number(slot[1]));
  if (state.gateway !== undefined && state.gateway !== names.gateway)
    return {
      field: 'gateway',
      problem: `'${printable(String(state.gateway))}' is not ${names.gateway}, the address of ${names.bridge}`,
    };
  if (typeof state.dir !== 'string' || !sameFolder(state.dir, dir))
    return {field: 'dir', problem: `'${printable(String(state.dir))}' is not the folder the state is in`};
  const tag = slot[1] === '0' ? '' : slot[1];
  const listed: unknown[] =
    state.binfmt === undefined ? [] : Array.isArray(state.binfmt) ? state.binfmt : [state.binfmt];
  const binfmt = listed.find((name) => typeof name !== 'string' || !isLabBinfmt(name, tag));
  if (binfmt !== undefined)
    return {field: 'binfmt', problem: `'${printable(String(binfmt))}' is not a binfmt entry lab up makes`};
  for (const [i, host] of state.hosts.entries()) {
    const wanted = names.host(host.name, i);
    const field = (['netns', 'veth', 'cgroup'] as const).find((key) => host[key] !== wanted[key]);
    if (field)
      return {
        field: `hosts.${i}.${field}`,
        problem: `'${printable(host[field])}' is not ${wanted[field]}, the one lab up makes for ${host.name}`,
      };
    if (!inSubnet(host.address, Number(slot[1])))
      return {
        field: `hosts.${i}.address`,
        problem: `'${printable(host.address)}' is not in 198.18.${slot[1]}.0/24, the network of ${names.bridge}`,
      };
  }
  return undefined;
}

function sameFolder(written: string, read: string): boolean {
  if (resolve(written) === resolve(read)) return true;
  try {
    return realpathSync(written) === realpathSync(read);
  } catch {
    return false;
  }
}

/** A host's address in the slot's /24: not its network, gateway or broadcast address. */
function inSubnet(address: string, slot: number): boolean {
  const match = /^198\.18\.(\d{1,2})\.(\d{1,3})$/.exec(address);
  return (
    match !== null &&
    Number(match[1]) === slot &&
    Number(match[2]) >= 2 &&
    Number(match[2]) <= 254 &&
    String(Number(match[2])) === match[2]
  );
}

function damagedState(file: string, problem: string, field?: string): InputError {
  return new InputError({
    file,
    field,
    problem: `${problem}: was it edited?`,
    fix: "put back the one lab up wrote, or remove it and delete the lab's namespaces (ip netns list, cl-*) and bridge (ip link, clbr*) by hand",
  });
}
