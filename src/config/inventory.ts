import {findInventoryFile, isAnsibleInventory, parseAnsibleInventory} from './ansible.js';
import {shareLocalCores} from './host-cores.js';
import type {Inventory} from './hosts.js';
import {isIniInventory, parseIniInventory} from './ini-inventory.js';
import {parseOwnInventory} from './own-inventory.js';
import {SHIPPED_INVENTORY_EXAMPLE} from './shipped.js';
import {readConfigText, YamlSource} from './yaml-source.js';

// The inventory's vocabulary lives in hosts.ts; most of the toolkit knows it by this file's name.
export {
  expandHome,
  hardwareKind,
  NAME,
  TRANSPORTS,
  type Host,
  type Inventory,
  type SshLogin,
  type TransportKind,
} from './hosts.js';

export function loadInventory(file: string): Inventory {
  const found = findInventoryFile(file);
  const text = readConfigText(
    found,
    'inventory file',
    `run: cluster init (writes inventory.yaml for this machine), or pass --inventory FILE; an example with SSH hosts: ${SHIPPED_INVENTORY_EXAMPLE}`,
  );
  const inventory = isIniInventory(found, text)
    ? parseIniInventory(found, text)
    : parseInventory(YamlSource.parse(found, text));
  for (const host of inventory.hosts.values()) host.inventoryFile = found;
  return inventory;
}

/** Our own format, or an Ansible YAML inventory (`all:` with hosts, children and vars). */
export function parseInventory(source: YamlSource): Inventory {
  const inventory = isAnsibleInventory(source.data) ? parseAnsibleInventory(source) : parseOwnInventory(source);
  shareLocalCores(inventory.hosts.values());
  return inventory;
}

/** The inventory with --concurrency, when given, in place of its connectConcurrency. */
export function withConcurrency(inventory: Inventory, concurrency: number | undefined): Inventory {
  return concurrency === undefined ? inventory : {...inventory, connectConcurrency: concurrency};
}
