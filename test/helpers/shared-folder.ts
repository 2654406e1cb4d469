import {chmodSync, lchownSync, mkdirSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import {execa} from 'execa';
import type {CliResult} from './cli.js';
import {RUN} from './faults.js';
import {folderWith} from './files.js';

/** The uid of `nobody`: the other user who plants links (tests run as root, able to give a link away). */
export const OTHER_UID = 65534;

/**
 * A folder like /tmp (world-writable, sticky) inside a fresh test folder, and a file of ours outside
 * it that another user would like us to overwrite.
 */
export function sharedFolder(): {folder: string; shared: string; victim: string} {
  const folder = folderWith({'victim.txt': 'precious\n'});
  const shared = join(folder, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  return {folder, shared, victim: join(folder, 'victim.txt')};
}

/** A symbolic link at `at` to `target`, owned by the other user, as if they had planted it. */
export function plantLink(target: string, at: string): void {
  symlinkSync(target, at);
  lchownSync(at, OTHER_UID, OTHER_UID);
}

/**
 * Runs the real CLI after `beforeStart(pid)`: the shell that will exec it waits on stdin, so names
 * built from the pid can be planted before the CLI runs, as an attacker who guesses the next pid would.
 */
export async function clusterWithPid(
  args: string[],
  cwd: string,
  beforeStart: (pid: number) => void,
): Promise<CliResult> {
  const child = execa('sh', ['-c', 'read go && exec "$@"', 'sh', process.execPath, RUN, ...args], {
    cwd,
    reject: false,
    stdin: 'pipe',
    env: {NO_COLOR: '1'},
  });
  beforeStart(child.pid!);
  child.stdin!.end('go\n');
  const result = await child;
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)};
}

/** Links to the victim at the temporary names an earlier version built from the pid (`out.tmp-<pid>`), planted. */
export function plantAtPidNames(pid: number, targets: {victim: string; outs: string[]}): string[] {
  const planted = targets.outs.map((out) => `${out}.tmp-${pid}`);
  for (const at of planted) plantLink(targets.victim, at);
  return planted;
}
