import {existsSync} from 'node:fs';
import {execa} from 'execa';
import {ClusterError} from '../errors.js';
import {shellQuote} from '../text/shell-quote.js';

/** The lab needs Linux, root and these programs; each missing one is named with its package. */
const TOOLS: [string, string][] = [
  ['/usr/sbin/ip', 'iproute2'],
  ['/usr/sbin/tc', 'iproute2'],
  ['/usr/sbin/sshd', 'openssh-server'],
  ['/usr/bin/ssh-keygen', 'openssh-client'],
  ['/usr/bin/nsenter', 'util-linux'],
];

export class LabError extends ClusterError {
  constructor(message: string) {
    super(message, 'lab');
  }
}

export function checkLabMachine(): void {
  if (process.platform !== 'linux')
    throw new LabError(`the lab needs Linux (network namespaces, cgroups, tc); this is ${process.platform}`);
  if (process.getuid?.() !== 0)
    throw new LabError('the lab needs root: it creates network namespaces, links and cgroups; run it with sudo');
  const missing = TOOLS.filter(([path]) => !existsSync(path));
  if (missing.length > 0)
    throw new LabError(
      `missing ${missing.map(([path]) => path).join(', ')}; install them with: apt-get install ${[...new Set(missing.map(([, pkg]) => pkg))].join(' ')}`,
    );
}

/** Long past what any of the lab's tools takes: only one waiting for something never coming gets there. */
const TOOL_TIMEOUT_MS = 120_000;

/**
 * Runs a system command with no input, so no tool can wait on a prompt (ssh-keygen's "Overwrite
 * (y/n)?" once hung lab up for good); a failure names the command and the end of its stderr.
 */
export async function run(file: string, args: string[], timeoutMs = TOOL_TIMEOUT_MS): Promise<string> {
  const result = await runTool(file, args, timeoutMs);
  if (result.timedOut)
    throw new LabError(
      `${file} ${args.join(' ')} did not finish within ${timeoutMs / 1000} s and was stopped; run it by hand to see what it waits for: ${[file, ...args].map(shellQuote).join(' ')}`,
    );
  if (result.exitCode !== 0)
    throw new LabError(
      `${file} ${args.join(' ')} failed (exit ${result.exitCode}): ${String(result.stderr).trim().split('\n').at(-1)}`,
    );
  return String(result.stdout);
}

/** Like run, for clean-up: a thing already gone is fine. */
export async function runQuietly(file: string, args: string[]): Promise<void> {
  await runTool(file, args);
}

function runTool(file: string, args: string[], timeoutMs = TOOL_TIMEOUT_MS) {
  return execa(file, args, {stdin: 'ignore', timeout: timeoutMs, reject: false});
}

/** Starts a long-lived process outside this one's lifetime; returns its pid. */
export function startDetached(file: string, args: string[]): number {
  const child = execa(file, args, {detached: true, stdio: 'ignore', cleanup: false, reject: false});
  child.unref();
  return child.pid!;
}

/** The cgroup CPU controller this machine has: v1's cpu.cfs_quota_us or v2's cpu.max. */
export function cpuCgroup(name: string): {dir: string; limit: (share: number) => [string, string][]} {
  if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) {
    return {
      dir: `/sys/fs/cgroup/cpu/${name}`,
      limit: (share) => [
        ['cpu.cfs_period_us', '100000'],
        ['cpu.cfs_quota_us', String(Math.round(100000 * share))],
      ],
    };
  }
  return {dir: `/sys/fs/cgroup/${name}`, limit: (share) => [['cpu.max', `${Math.round(100000 * share)} 100000`]]};
}
