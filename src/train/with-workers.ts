import type {Host} from '../config/inventory.js';
import {WorkerSet} from '../coordinator/worker-set.js';
import {InterruptedError} from '../errors.js';

/**
 * Starts a worker on each host, runs `work` with them and closes them, whatever happens. A Ctrl-C
 * (the signal) closes the workers, which ends the work, and is reported as the interruption it is.
 */
export async function withWorkers<T>(
  hosts: readonly Host[],
  options: {concurrency?: number; signal?: AbortSignal},
  work: (workers: WorkerSet) => Promise<T>,
): Promise<T> {
  const {signal} = options;
  const workers = await WorkerSet.open(hosts, undefined, options.concurrency);
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
