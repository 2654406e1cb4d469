import type {Host} from '../config/inventory.js';
import {shellQuote} from '../text/shell-quote.js';
import {inventoryFlag} from '../ssh/target.js';

/**
 * The provision command that fixes `host`, ready to paste: with `--inventory` when the host's
 * inventory is not the one provision finds by default (without it, the paste provisioned another
 * inventory's hosts, or none).
 */
export function provisionCommand(host: Host): string {
  return `cluster provision${inventoryFlag(host)} --hosts ${shellQuote(host.name)}`;
}
