import {availableParallelism} from 'node:os';
import {type Host, loadInventory} from '../config/inventory.js';
import {InputError} from '../errors.js';

/** The hosts `cluster train` uses: named ones from the inventory, or else one local worker with `cores` slots. */
export function chooseHosts(options: {inventory: string; hosts?: string; cores?: number}): Host[] {
  if (!options.hosts) return [{name: 'local', transport: 'local', cores: options.cores ?? availableParallelism(), port: 22, labels: []}];
  const inventory = loadInventory(options.inventory);
  return options.hosts.split(',').map((name) => {
    const host = inventory.hosts.get(name.trim());
    if (!host) throw new InputError({file: '--hosts', problem: `unknown host '${name.trim()}'`, fix: `hosts in ${inventory.file}: ${[...inventory.hosts.keys()].join(', ')}`});
    return host;
  });
}
