import {existsSync} from 'node:fs';
import {replaceWhole} from '../files/write-whole.js';
import {join} from 'node:path';
import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {LIMITS} from '../limits.js';
import {LAB_HOST_NAME} from './spec.js';

/** Everything a lab made, so `down` can remove exactly that, even after a failed `up`. */
export interface LabState {
  dir: string;
  bridge: string;
  /** The bridge's address: every relay listens on it (labs written before it existed used 198.18.0.1). */
  gateway?: string;
  /** The boot the lab was made in: after a restart nothing of it is left, and its names may be another lab's. */
  bootId?: string;
  hosts: LabHostState[];
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
    throw damagedState(file, error instanceof SyntaxError ? 'not JSON' : `cannot read it (${(error as NodeJS.ErrnoException).code})`);
  }
  if (typeof state !== 'object' || state === null || typeof state.bridge !== 'string' || !Array.isArray(state.hosts) || !state.hosts.every(isHost)) throw damagedState(file, 'not the state of a lab');
  return state;
}

/** A host's names are checked: down removes files under the folder named after it. */
function isHost(host: unknown): boolean {
  if (typeof host !== 'object' || host === null) return false;
  const fields = host as Record<string, unknown>;
  return ['name', 'netns', 'veth', 'address', 'cgroup'].every((key) => typeof fields[key] === 'string') && LAB_HOST_NAME.test(fields.name as string);
}

function damagedState(file: string, problem: string): InputError {
  return new InputError({file, problem: `${problem}: was it edited?`, fix: "put back the one lab up wrote, or remove it and delete the lab's namespaces (ip netns list, cl-*) and bridge (ip link, clbr*) by hand"});
}
