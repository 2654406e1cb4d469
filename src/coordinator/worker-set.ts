import type {Host} from '../config/inventory.js';
import {HostError} from '../errors.js';
import {DEFAULT_CONCURRENCY, mapBounded, settle} from '../transport/fan-out.js';
import {transportFor} from '../transport/transports.js';
import type {Fault} from './run.js';
import {DEFAULT_HEARTBEAT_TIMEOUT_MS, WorkerClient} from './worker-client.js';

/**
 * One worker per host, started together and kept for a whole sweep so data sets ship once per
 * host. A worker lost during a run is started again for the next one, if its host lets us.
 */
export class WorkerSet {
  private constructor(
    private readonly workers: Map<string, WorkerClient>,
    private readonly hosts: Map<string, Host>,
    private readonly heartbeatTimeoutMs: number,
    private readonly concurrency: number,
  ) {}

  /**
   * Starts every host's worker, `concurrency` at a time (sshd drops logins past its MaxStartups);
   * any host that cannot start fails the whole set, before anything runs.
   */
  static async open(
    hosts: readonly Host[],
    heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS,
    concurrency = DEFAULT_CONCURRENCY,
  ): Promise<WorkerSet> {
    const started = await mapBounded(hosts, concurrency, (host) =>
      settle(WorkerClient.open(host, transportFor(host), heartbeatTimeoutMs)),
    );
    const workers = new Map<string, WorkerClient>();
    started.forEach((result, i) => result.status === 'fulfilled' && workers.set(hosts[i].name, result.value));
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await Promise.all([...workers.values()].map((worker) => worker.close()));
      throw failure.reason;
    }
    return new WorkerSet(workers, new Map(hosts.map((host) => [host.name, host])), heartbeatTimeoutMs, concurrency);
  }

  get(names: readonly string[]): WorkerClient[] {
    return names.map((name) => this.workers.get(name)!);
  }

  /** The workers of `names`, restarting lost ones; hosts that cannot be restarted come back as faults. */
  async revive(names: readonly string[]): Promise<{workers: WorkerClient[]; faults: Fault[]}> {
    const faults: Fault[] = [];
    const workers = await mapBounded(names, this.concurrency, async (name) => {
      const current = this.workers.get(name)!;
      if (!current.isLost) return current;
      await current.close();
      try {
        const host = this.hosts.get(name)!;
        const fresh = await WorkerClient.open(host, transportFor(host), this.heartbeatTimeoutMs);
        this.workers.set(name, fresh);
        return fresh;
      } catch (error) {
        const problem = error instanceof HostError ? error : new HostError(name, (error as Error).message);
        faults.push({
          host: name,
          reason: problem.reason,
          message: `cannot restart: ${problem.message}`,
          at: 0,
          requeued: 0,
        });
        return current;
      }
    });
    return {workers, faults};
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.close()));
  }
}
