import {totalmem} from 'node:os';
import type {Host} from '../config/inventory.js';
import type {Dataset} from '../data/dataset.js';
import {InputError} from '../errors.js';
import {formatBytes} from '../limits.js';

/** A worker process before any data (Node.js, its threads' buffers), measured at 50-60 MiB here. */
const WORKER_BYTES = 64 * 2 ** 20;

/**
 * Refuses more local workers than this machine's memory holds: each local host is a worker process
 * of its own with its own copy of the data set and its binned form (12 local hosts on 40 MB of
 * data took 1.9 GB; the inventory allows a thousand). Counted as 64 MiB + 2 x the data set each,
 * against half of this machine's memory.
 */
export function checkLocalCopies(hosts: readonly Host[], data: Dataset): void {
  const local = hosts.filter((host) => host.transport === 'local');
  if (local.length < 2) return;
  const dataBytes = data.values.byteLength + data.labels.byteLength;
  const each = WORKER_BYTES + 2 * dataBytes;
  const budget = totalmem() / 2;
  if (local.length * each <= budget) return;
  const fit = Math.max(1, Math.floor(budget / each));
  throw new InputError({
    file: local[0].inventoryFile ?? 'the inventory',
    problem: `${local.length} local hosts would each start a worker with its own copy of the ${formatBytes(dataBytes)} data set: about ${formatBytes(local.length * each)}, more than half of this machine's ${formatBytes(totalmem())}`,
    fix: `use at most ${fit} local hosts at once; one local host with more cores shares one copy between its slots`,
  });
}
