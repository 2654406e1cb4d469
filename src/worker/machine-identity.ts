import {readFileSync} from 'node:fs';
import {arch, availableParallelism, cpus} from 'node:os';
import {join, posix} from 'node:path';
import type {MachineIdentity} from '../protocol/messages.js';

/**
 * The machine and the limits this worker runs under, read from the host itself: a calibration
 * is only worth reusing where all of these are the same. `root` is where /proc and /sys are (tests).
 */
export function readMachineIdentity(root = '/'): MachineIdentity {
  const processors = cpus();
  return {
    bootId: readText(join(root, 'proc/sys/kernel/random/boot_id'))?.trim() ?? null,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpus: processors.length,
    available: availableParallelism(),
    cpuQuota: cgroupCpuQuota(root),
    arch: arch(),
    node: process.version,
  };
}

interface Mount {
  /** The hierarchy's folder mounted there, and where. */
  root: string;
  point: string;
  type: 'cgroup' | 'cgroup2';
  options: string[];
}

/**
 * The CPUs' worth of time the cgroups over this process allow: its own cgroup's quota and every
 * ancestor's (the tightest wins), v1's cpu.cfs_quota_us / cpu.cfs_period_us or v2's cpu.max, found
 * through /proc/self/cgroup and /proc/self/mountinfo. Null where nothing limits it, or no cgroups.
 */
export function cgroupCpuQuota(root = '/'): number | null {
  const memberships = readText(join(root, 'proc/self/cgroup'));
  const mounts = readMounts(readText(join(root, 'proc/self/mountinfo')) ?? '');
  if (!memberships) return null;
  let tightest: number | null = null;
  for (const line of memberships.split('\n')) {
    const match = /^\d+:([^:]*):(\/.*)$/.exec(line.trim());
    if (!match) continue;
    const [, controllers, path] = match;
    const v2 = controllers === '';
    if (!v2 && !controllers.split(',').includes('cpu')) continue;
    const mount = mounts.find((m) => (v2 ? m.type === 'cgroup2' : m.type === 'cgroup' && m.options.includes('cpu')));
    if (!mount) continue;
    for (const folder of ancestors(mount, path)) {
      const quota = v2 ? readV2Quota(join(root, folder)) : readV1Quota(join(root, folder));
      if (quota !== null && (tightest === null || quota < tightest)) tightest = quota;
    }
  }
  return tightest;
}

/** Every folder from the process's cgroup up to the top of what is mounted (a container sees its own part only). */
function ancestors(mount: Mount, path: string): string[] {
  const mounted = mount.root !== '/' && (path === mount.root || path.startsWith(`${mount.root}/`));
  const folders: string[] = [];
  for (
    let current = posix.normalize(mounted ? path.slice(mount.root.length) || '/' : path);
    ;
    current = posix.dirname(current)
  ) {
    folders.push(posix.join(mount.point, current));
    if (current === '/' || current === '.') return folders;
  }
}

/** "max 100000" or "QUOTA PERIOD". */
function readV2Quota(folder: string): number | null {
  const [quota, period] = (readText(join(folder, 'cpu.max')) ?? '').trim().split(/\s+/);
  return share(Number(quota), Number(period));
}

/** A quota of -1 is no limit. */
function readV1Quota(folder: string): number | null {
  return share(Number(readText(join(folder, 'cpu.cfs_quota_us'))), Number(readText(join(folder, 'cpu.cfs_period_us'))));
}

function share(quota: number, period: number): number | null {
  return Number.isFinite(quota) && quota > 0 && Number.isFinite(period) && period > 0 ? quota / period : null;
}

/** mountinfo: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS...] - TYPE SOURCE SUPER_OPTIONS". */
function readMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!after) continue;
    const [, , , mountRoot, point] = before.split(' ');
    const [type, , superOptions = ''] = after.split(' ');
    if (type !== 'cgroup' && type !== 'cgroup2') continue;
    mounts.push({root: unescape(mountRoot), point: unescape(point), type, options: superOptions.split(',')});
  }
  return mounts;
}

/** mountinfo writes spaces and the like in paths as octal escapes (\040). */
function unescape(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
