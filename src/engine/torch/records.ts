import type {Host} from '../../config/inventory.js';
import type {HostRun, HostSteps, TimelineEntry} from '../../coordinator/run.js';
import type {RunRecord} from '../../results/result.js';
import type {GroupRun} from './group.js';

/**
 * The ranks' answers as the sweep records a run. A step's exchange is the all-reduce as the slowest
 * rank saw it (it waits for no one); what any other rank spent in the all-reduce beyond that was
 * waiting for the slowest.
 */
export function describeGroupRun({ranks, startSeconds}: GroupRun, hosts: readonly Host[]): RunRecord {
  const seconds = Math.max(...ranks.map((rank) => rank.seconds));
  const steps = Math.min(...ranks.map((rank) => rank.allreduce.length));
  const exchange = Array.from({length: steps}, (_, s) => Math.min(...ranks.map((rank) => rank.allreduce[s])));
  const mean = (values: number[]) => (values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const hostSteps: HostSteps[] = ranks.map((rank, r) => ({
    host: hosts[r].name,
    steps,
    computeSeconds: mean(rank.compute.slice(0, steps)),
    exchangeSeconds: mean(exchange),
    waitSeconds: mean(rank.allreduce.slice(0, steps).map((value, s) => value - exchange[s])),
    bytesPerStep: rank.bytesPerStep,
  }));
  const runs: HostRun[] = ranks.map((rank, r) => {
    const cores = hosts[r].cores;
    const trainSeconds = rank.compute.reduce((a, b) => a + b, 0) * cores;
    return {
      host: hosts[r].name,
      cores,
      items: rank.chunks,
      reexecuted: 0,
      trainSeconds,
      utilisation: seconds > 0 ? trainSeconds / (cores * seconds) : 0,
      shipSeconds: 0,
      shippedBytes: 0,
      waitSeconds: Math.max(0, seconds - trainSeconds / cores),
    };
  });
  const timeline: TimelineEntry[] = ranks.flatMap((rank, r) =>
    rank.starts.map((start, s) => ({
      host: hosts[r].name,
      slot: 0,
      index: s,
      start,
      end: start + rank.compute[s],
      kept: true,
    })),
  );
  return {
    seconds,
    accuracy: ranks[0].accuracy ?? 0,
    hosts: runs,
    faults: [],
    timeline,
    weightsHash: ranks[0].weightsHash,
    steps: hostSteps,
    startSeconds,
  };
}
