import type {HostRun} from '../coordinator/run.js';
import type {RunRecord} from './result.js';

/**
 * A host's speed in a run, from the run itself: the trees it trained (dropped speculative copies
 * too) per second of its slots' training time, times its cores. Training time is measured inside
 * the slot threads, so time a slot sat idle waiting for work or data is not held against the
 * host's speed: it is the loss the efficiency shows. A host that trained nothing in the run has no
 * speed of its own there, and counts with its solo calibration.
 */
export function hostSpeed(host: HostRun, calibrated: number | undefined): number | undefined {
  const trained = host.items + host.reexecuted;
  if (trained === 0 || host.trainSeconds <= 0) return calibrated;
  return (trained * host.cores) / host.trainSeconds;
}

/**
 * trees / the sum of the hosts' in-run speeds: what the run would take if every slot trained from
 * the first to the last second. Each slot trains at most the run's wall time, so this cannot
 * exceed the measured time, and the efficiency (capacity ideal / measured) cannot exceed 1.
 */
export function runCapacityIdeal(
  run: RunRecord,
  trees: number,
  calibration: ReadonlyMap<string, number>,
): number | null {
  let speed = 0;
  for (const host of run.hosts) {
    const hostRate = hostSpeed(host, calibration.get(host.host));
    if (hostRate === undefined) return null;
    speed += hostRate;
  }
  return speed > 0 ? trees / speed : null;
}

/** The same ideal from the solo calibration, as before the run. */
export function calibratedCapacityIdeal(
  hosts: readonly string[],
  trees: number,
  calibration: ReadonlyMap<string, number>,
): number | null {
  const speed = hosts.reduce((sum, host) => sum + (calibration.get(host) ?? 0), 0);
  return speed > 0 ? trees / speed : null;
}
