import {availableParallelism} from 'node:os';
import {type Host, loadInventory} from '../config/inventory.js';
import {selectHosts} from '../config/select-hosts.js';

/** The hosts `cluster train` uses: named ones from the inventory, or else one local worker with `cores` slots. */
export function chooseHosts(options: {inventory: string; hosts?: string; cores?: number}): Host[] {
  if (!options.hosts) return [{name: 'local', transport: 'local', cores: options.cores ?? availableParallelism(), labels: []}];
  return selectHosts(loadInventory(options.inventory), options.hosts);
}
