import type {Host} from '../config/inventory.js';
import {WorkerSet} from '../coordinator/worker-set.js';
import {InterruptedError} from '../errors.js';

/**
 * Starts a worker on each host, runs `work` with them and closes them, whatever happens. A Ctrl-C
 * (the signal) closes the workers, which ends the work, and is reported as the interruption it is.
 */
export async function withWorkers<T>(
  hosts: readonly Host[],
  options: {concurrency?: number; signal?: AbortSignal; starting?: StartingWorkers},
  work: (workers: WorkerSet) => Promise<T>,
): Promise<T> {
  const {signal} = options;
  const workers = await (options.starting?.workers ?? WorkerSet.open(hosts, undefined, options.concurrency));
  const stop = () => void workers.close();
  const interrupted = () => new InterruptedError(String(signal?.reason));
  signal?.addEventListener('abort', stop);
  try {
    // Ctrl-C while the workers started came before anyone listened: it still stops the training.
    if (signal?.aborted) throw interrupted();
    return await work(workers).catch((error) => {
      throw signal?.aborted ? interrupted() : error;
    });
  } finally {
    signal?.removeEventListener('abort', stop);
    await workers.close();
  }
}

/** Workers started before the data was read, so they boot (threads, code) while it is. */
export interface StartingWorkers {
  workers: Promise<WorkerSet>;
  /** Closes them when the run ends before it used them (bad data, bad flags). */
  abandon(): Promise<void>;
}

/** Starts the hosts' workers now; withWorkers (given them) awaits them, or abandon() closes them. */
export function startWorkers(hosts: readonly Host[], concurrency?: number): StartingWorkers {
  const workers = WorkerSet.open(hosts, undefined, concurrency);
  // A host that fails to start is reported by whoever awaits the workers, not as an unhandled rejection meanwhile.
  workers.catch(() => undefined);
  return {
    workers,
    async abandon() {
      const opened = await workers.catch(() => undefined);
      await opened?.close();
    },
  };
}
