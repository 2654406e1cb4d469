import {InputError} from '../errors.js';
import type {Host, Inventory} from './inventory.js';

/** The hosts a --hosts flag names (comma-separated), or every host of the inventory. */
export function selectHosts(inventory: Inventory, names: string | undefined): Host[] {
  if (!names) return [...inventory.hosts.values()];
  return names.split(',').map((name) => {
    const host = inventory.hosts.get(name.trim());
    if (!host) throw new InputError({file: '--hosts', problem: `unknown host '${name.trim()}'`, fix: `hosts in ${inventory.file}: ${[...inventory.hosts.keys()].join(', ')}`});
    return host;
  });
}
