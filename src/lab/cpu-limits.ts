import {existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

/** cpu.cfs_quota_us (and v2's cpu.max) refuse a quota under 1 ms. */
export const MIN_QUOTA_US = 1000;
/**
 * The period a lab host's quota is spread over. The kernel's default, 100 ms, let a Pi-like core at
 * 5% run at full speed for 5 ms and then stop for 95 ms, main thread and slots alike: the lab's
 * hosts lost 13-26% of their time to that (issue 26). A slow core is slow all the time.
 */
export const SHORT_PERIOD_US = 10_000;
/** The longest period the kernel takes. */
export const MAX_PERIOD_US = 1_000_000;
/**
 * A lab host's weight against the machine's other processes (1024 is a process's): its quota is a
 * ceiling, and this makes it a floor too when others load the machine, as a real host's cores are.
 */
export const LAB_CPU_SHARES = 8192;
/**
 * What the host's cgroup allows beyond its slots, for its main thread (messages, heartbeats, the
 * data set's decoding), its GC and sshd. A twin's trees are a sliver of the real cluster's, so a
 * main thread as slow as a slot made the per-tree messages cost what they never cost on the real
 * cluster: with one more Pi core's worth (5%), a Pi slot waited 20-90 ms between trees of 350 ms.
 */
export const MAIN_THREAD_SHARE = 0.25;
/** Tells a worker on a lab host where its slots' cgroups are (see worker/lab-slot.ts). */
export const LAB_SLOTS_VARIABLE = 'CLUSTER_LAB_SLOTS';

export interface CfsLimit {
  periodUs: number;
  quotaUs: number;
}

/**
 * The shortest period up to which `share` of a core still gets the kernel's minimum quota: 10 ms
 * where share >= 0.1, else 1000 us / share (a core at 5% runs 1 ms of every 20 ms).
 */
export function cfsLimit(share: number): CfsLimit {
  const periodUs = Math.min(MAX_PERIOD_US, Math.max(SHORT_PERIOD_US, Math.ceil(MIN_QUOTA_US / share)));
  return {periodUs, quotaUs: Math.max(MIN_QUOTA_US, Math.round(periodUs * share))};
}

/** One cgroup's folder and the files to write in it, in order. */
export interface CgroupPlan {
  dir: string;
  files: [string, string][];
}

/**
 * The cgroups of a host of `cores` cores at `cpu` of a real core each. On cgroup v1 (whose `tasks`
 * file takes thread ids): the host's cgroup, which its sshd and everything under it joins, and in it
 * a cgroup per slot thread, `slot-0` to `slot-<cores-1>`, each limited to one core's `cpu`. The host
 * gets MAIN_THREAD_SHARE more than its slots can take: its main thread never waits for a period in
 * which its own slots used the whole quota, as it did with one quota for all. A worker's network
 * threads join the slot cgroups too; other engines' processes join `engine`, at the host's cores.
 * On v2 (threads would need a threaded subtree): one limit for the host, over the short period.
 */
export function planCpuLimits(hostDir: string, cores: number, cpu: number, v1: boolean): CgroupPlan[] {
  if (!v1) {
    const {periodUs, quotaUs} = cfsLimit(cores * cpu);
    return [{dir: hostDir, files: [['cpu.max', `${quotaUs} ${periodUs}`]]}];
  }
  const v1Files = (share: number, weight: number): [string, string][] => {
    const {periodUs, quotaUs} = cfsLimit(share);
    return [
      ['cpu.cfs_period_us', String(periodUs)],
      ['cpu.cfs_quota_us', String(quotaUs)],
      ['cpu.shares', String(weight)],
    ];
  };
  const plans = [{dir: hostDir, files: v1Files(cores * cpu + MAIN_THREAD_SHARE, LAB_CPU_SHARES)}];
  for (let slot = 0; slot < cores; slot++) plans.push({dir: join(hostDir, `slot-${slot}`), files: v1Files(cpu, 1024)});
  // Where an engine's processes (dask workers, torch ranks) go: the host's cores, and not the main
  // thread's share above them, which only the native worker's main thread is meant to have.
  plans.push({dir: join(hostDir, 'engine'), files: v1Files(cores * cpu, 1024)});
  return plans;
}

/** Makes the cgroups, parent first (the kernel refuses a child's quota above its parent's); returns the worker's variable, or none on v2. */
export function applyCpuLimits(hostDir: string, cores: number, cpu: number): Record<string, string> {
  const v1 = hostDir.startsWith('/sys/fs/cgroup/cpu/');
  for (const plan of planCpuLimits(hostDir, cores, cpu, v1)) {
    mkdirSync(plan.dir, {recursive: true});
    for (const [file, value] of plan.files) writeFileSync(join(plan.dir, file), value);
  }
  return v1 ? {[LAB_SLOTS_VARIABLE]: hostDir} : {};
}

/** Removes the slots' cgroups, then the host's; false while a process is still leaving one. */
export function removeCpuLimits(hostDir: string): boolean {
  try {
    if (!existsSync(hostDir)) return true;
    for (const entry of readdirSync(hostDir, {withFileTypes: true}))
      if (entry.isDirectory() && /^(slot-\d+|engine)$/.test(entry.name)) rmdirSync(join(hostDir, entry.name));
    rmdirSync(hostDir);
    return true;
  } catch {
    return false;
  }
}
