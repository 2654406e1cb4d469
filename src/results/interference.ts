import type {CpuSample} from '../protocol/messages.js';

/** One machine's CPU over one run: how much of it went to processes that are not this toolkit's. */
export interface MachineLoad {
  /** The run's hosts on this machine. */
  hosts: string[];
  /** Whether the coordinator runs there too. */
  coordinator: boolean;
  cpus: number;
  /** CPU-seconds the machine had during the run (all its CPUs), null where /proc is missing. */
  cpuSeconds: number | null;
  /** Of those, busy in processes other than the coordinator and the run's workers. */
  otherSeconds: number | null;
}

/** A toolkit process's samples before and after a run: a host's worker, or the coordinator (no host). */
export interface Participant {
  host?: string;
  /** A process of the engine's that is neither a host's nor the coordinator (Dask's scheduler, nannies, driver): ours, named nowhere. */
  engine?: boolean;
  before?: CpuSample;
  after?: CpuSample;
}

/**
 * Groups the run's processes by machine (boot id) and subtracts all of them, the coordinator
 * included where it runs, from the machine's busy time: local hosts share this machine with the
 * coordinator and with each other, and that is not interference. A machine where a process could
 * not report (lost mid-run) is left out.
 */
export function machineLoads(participants: readonly Participant[]): MachineLoad[] {
  const groups = new Map<string, Participant[]>();
  participants.forEach((p, i) => {
    const machine = p.before?.machine ?? p.after?.machine;
    // Without /proc each process is its own unknown machine.
    const key = machine ?? `unknown-${i}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  });
  const loads: MachineLoad[] = [];
  for (const group of groups.values()) {
    if (group.some((p) => !p.before || !p.after)) continue;
    const hosts = group.flatMap((p) => (p.host === undefined || p.engine ? [] : [p.host]));
    const isCoordinator = (p: Participant) => p.host === undefined && !p.engine;
    const coordinator = group.some(isCoordinator);
    // A machine of the engine's processes only (a remote scheduler) runs none of the run: not reported.
    if (hosts.length === 0 && !coordinator) continue;
    // The coordinator's samples bracket the whole run; take the machine's counters from it where it is.
    const {before, after} = group.find(isCoordinator) ?? group[0];
    if (before!.machine === null) {
      loads.push({hosts, coordinator, cpus: before!.cpus, cpuSeconds: null, otherSeconds: null});
      continue;
    }
    const ours = group.reduce((sum, p) => sum + (p.after!.self - p.before!.self), 0);
    const busy = after!.busy - before!.busy;
    loads.push({
      hosts,
      coordinator,
      cpus: before!.cpus,
      cpuSeconds: after!.total - before!.total,
      otherSeconds: Math.max(0, busy - ours),
    });
  }
  return loads;
}

/** Pairs the samples taken before and after a run by process. */
export function pairSamples(
  before: {host?: string; sample?: CpuSample}[],
  after: {host?: string; sample?: CpuSample}[],
): Participant[] {
  return before.map((b) => ({host: b.host, before: b.sample, after: after.find((a) => a.host === b.host)?.sample}));
}
