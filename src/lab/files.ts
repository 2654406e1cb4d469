import {rmdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {run} from './system.js';

/** What up writes in the lab's folder, and in each host's folder in it: down removes exactly these. */
const LAB_FILES = ['user_key', 'user_key.pub', 'known_hosts', 'lab-inventory.yaml'];
const HOST_FILES = ['host_key', 'host_key.pub', 'sshd_config', 'sshd.pid'];

/** A fresh key at `file`: one an earlier lab left there is removed first, so ssh-keygen has nothing to ask. */
export async function newKey(file: string): Promise<void> {
  rmSync(file, {force: true});
  rmSync(`${file}.pub`, {force: true});
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cluster-lab', '-f', file]);
}

/** Removes the keys, configs, inventory and state up wrote, then the folders if nothing else is in them. */
export function removeLabFiles(dir: string, hosts: string[]): void {
  for (const host of hosts) {
    const hostDir = join(dir, host);
    for (const file of HOST_FILES) rmSync(join(hostDir, file), {force: true});
    // The worker bundle provision installed for the host (its XDG_CACHE_HOME).
    rmSync(join(hostDir, 'cache'), {recursive: true, force: true});
    removeIfEmpty(hostDir);
  }
  for (const file of LAB_FILES) rmSync(join(dir, file), {force: true});
  // The state goes last: until then, down can be run again.
  rmSync(join(dir, 'state.json'), {force: true});
  removeIfEmpty(dir);
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (the user's own files), or gone already: left as it is.
  }
}
