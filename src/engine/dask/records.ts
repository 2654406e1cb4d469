import type {RunRecord} from '../../results/result.js';
import type {Host} from '../../config/inventory.js';
import type {HostRun, TimelineEntry} from '../../coordinator/run.js';
import type {FitReply} from './driver.js';

/** The driver's answer as the sweep records a run: per-host figures, the timeline, the faults. */
export function describeFit(reply: FitReply, hosts: Host[]): RunRecord {
  const wall = reply.seconds;
  const slots = new Map<string, Map<number, number>>();
  const timeline: TimelineEntry[] = reply.trees
    .map(([worker, thread, start, end], index) => ({worker: worker ?? 'unknown', thread, start, end, index}))
    .sort((a, b) => a.start - b.start)
    .map(({worker, thread, start, end, index}) => {
      const threads = slots.get(worker) ?? slots.set(worker, new Map()).get(worker)!;
      if (!threads.has(thread)) threads.set(thread, threads.size);
      return {host: worker, slot: threads.get(thread)!, index, start, end, kept: true};
    })
    .sort((a, b) => a.index - b.index);
  const runs: HostRun[] = hosts.map((host) => {
    const mine = timeline.filter((entry) => entry.host === host.name);
    const trainSeconds = mine.reduce((sum, entry) => sum + (entry.end - entry.start), 0);
    return {
      host: host.name,
      cores: host.cores,
      items: mine.length,
      reexecuted: 0,
      trainSeconds,
      utilisation: trainSeconds / (host.cores * wall),
      // Dask ships the data itself, inside the measured fit.
      shipSeconds: 0,
      shippedBytes: 0,
      waitSeconds: Math.max(0, wall - trainSeconds / host.cores),
    };
  });
  return {
    seconds: wall,
    accuracy: reply.accuracy,
    hosts: runs,
    faults: reply.faults.map(([host, at, tasks]) => ({
      host,
      reason: 'worker-lost',
      message: `the dask worker left the cluster; Dask recomputed its ${tasks} task(s)`,
      at,
      requeued: tasks,
    })),
    timeline,
  };
}
