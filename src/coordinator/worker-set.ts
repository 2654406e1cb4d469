import type {Host} from '../config/inventory.js';
import {transportFor} from '../transport/transports.js';
import {WorkerClient} from './worker-client.js';

/** One worker per host, started together and kept for a whole sweep so data sets ship once per host. */
export class WorkerSet {
  private constructor(private readonly workers: Map<string, WorkerClient>) {}

  static async open(hosts: readonly Host[]): Promise<WorkerSet> {
    const started = await Promise.allSettled(hosts.map((host) => WorkerClient.open(host, transportFor(host))));
    const workers = new Map<string, WorkerClient>();
    started.forEach((result, i) => result.status === 'fulfilled' && workers.set(hosts[i].name, result.value));
    const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await Promise.all([...workers.values()].map((worker) => worker.close()));
      throw failure.reason;
    }
    return new WorkerSet(workers);
  }

  get(names: readonly string[]): WorkerClient[] {
    return names.map((name) => this.workers.get(name)!);
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.close()));
  }
}
