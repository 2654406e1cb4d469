import {resolve} from 'node:path';
import {findInventoryFile} from '../config/ansible.js';
import type {Host} from '../config/inventory.js';
import {shellQuote} from '../ssh/quote.js';

/**
 * The provision command that fixes `host`, ready to paste: with `--inventory` when the host's
 * inventory is not the one provision finds by default (without it, the paste provisioned another
 * inventory's hosts, or none).
 */
export function provisionCommand(host: Host): string {
  const inventory = host.inventoryFile && resolve(host.inventoryFile) !== resolve(findInventoryFile('inventory.yaml')) ? ` --inventory ${shellQuote(host.inventoryFile)}` : '';
  return `cluster provision${inventory} --hosts ${shellQuote(host.name)}`;
}
