import type {Schedule, ScheduleContext} from './schedule.js';

/**
 * Hosts pull trees from one queue as their slots free up. Pieces shrink toward the end (guided
 * self-scheduling: a host gets its slots' share of half the remaining trees), and once the queue is
 * empty an idle host re-runs trees still running elsewhere, oldest first (speculative execution:
 * the first copy back wins).
 */
export function dynamicSchedule(context: ScheduleContext): Schedule {
  const queue = Array.from({length: context.trees}, (_, i) => i);
  const cores = new Map(context.hosts.map((host) => [host.name, host.cores]));
  let slots = context.hosts.reduce((sum, host) => sum + host.cores, 0);
  /** Trees handed out and not yet back, with the hosts running them, in the order handed out. */
  const running = new Map<number, Set<string>>();

  return {
    take(host, room) {
      const hostCores = cores.get(host) ?? 1;
      if (queue.length > 0) {
        const piece = Math.max(1, Math.ceil((queue.length * hostCores) / (2 * slots)));
        const taken = queue.splice(0, Math.min(room, piece));
        for (const index of taken) running.set(index, new Set([host]));
        return taken;
      }
      // Only a host with a free slot speculates, one copy per tree.
      const copies: number[] = [];
      for (const [index, hosts] of running) {
        if (copies.length >= Math.min(room, hostCores)) break;
        if (hosts.size === 1 && !hosts.has(host)) {
          hosts.add(host);
          copies.push(index);
        }
      }
      return copies;
    },
    completed(index) {
      running.delete(index);
    },
    lost(host, unfinished) {
      slots -= cores.get(host) ?? 0;
      cores.delete(host);
      const orphans: number[] = [];
      for (const index of unfinished) {
        const hosts = running.get(index);
        hosts?.delete(host);
        if (!hosts || hosts.size === 0) {
          running.delete(index);
          orphans.push(index);
        }
      }
      queue.unshift(...orphans);
    },
  };
}
