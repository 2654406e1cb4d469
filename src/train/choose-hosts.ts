import {availableParallelism} from 'node:os';
import {type Host, loadInventory} from '../config/inventory.js';
import {selectHosts} from '../config/select-hosts.js';
import {InputError} from '../errors.js';
import {coresLimit} from '../limits.js';

/**
 * The hosts `cluster train` uses: named ones from the inventory, or else one local worker with
 * `cores` slots; and how many of them to reach at once, if the inventory says.
 */
export function chooseHosts(options: {inventory: string; hosts?: string; cores?: number}): {
  hosts: Host[];
  connectConcurrency?: number;
} {
  const [maxCores, why] = coresLimit('local');
  if (options.cores !== undefined && options.cores > maxCores)
    throw new InputError({file: '--cores', problem: `must be at most ${maxCores}, got ${options.cores}`, fix: why});
  if (!options.hosts)
    return {hosts: [{name: 'local', transport: 'local', cores: options.cores ?? availableParallelism(), labels: []}]};
  const inventory = loadInventory(options.inventory);
  return {hosts: selectHosts(inventory, options.hosts), connectConcurrency: inventory.connectConcurrency};
}
