import type {CpuSample} from '../../protocol/messages.js';
import {type MachineLoad, machineLoads, type Participant} from '../../results/interference.js';
import type {EngineSample} from './driver.js';

/**
 * A dask run's machines, measured as a native run's: the coordinator's samples around the fit, and
 * the driver's of every engine process (the row's workers as its hosts; the scheduler, nannies, other
 * workers and the driver itself as the toolkit's own). A host whose machine could not be measured (its
 * worker did not answer) gets a load of nulls, so the row says it was not measured.
 */
export function daskInterference(
  coordinator: {before: CpuSample; after: CpuSample},
  engine: {before: EngineSample[]; after: EngineSample[]} | undefined,
  hosts: readonly string[],
): MachineLoad[] {
  const after = new Map((engine?.after ?? []).map(([name, role, sample]) => [`${role}/${name}`, sample]));
  const participants: Participant[] = [
    coordinator,
    ...(engine?.before ?? []).map(([name, role, sample]): Participant => {
      const host = role === 'worker' && hosts.includes(name);
      return {
        host: name,
        ...(host ? {} : {engine: true}),
        before: sample ?? undefined,
        after: after.get(`${role}/${name}`) ?? undefined,
      };
    }),
  ];
  // In the row's order: the driver lists the processes as they answered, which is no order at all.
  const rank = (host: string) => (hosts.includes(host) ? hosts.indexOf(host) : hosts.length);
  const loads = machineLoads(participants).map((load) => ({
    ...load,
    hosts: [...load.hosts].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)),
  }));
  const measured = new Set(loads.flatMap((load) => load.hosts));
  const unmeasured = hosts.filter((host) => !measured.has(host));
  if (unmeasured.length > 0)
    loads.push({hosts: unmeasured, coordinator: false, cpus: 0, cpuSeconds: null, otherSeconds: null});
  return loads;
}
