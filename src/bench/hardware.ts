import {spellPart} from '../analyze/hardware.js';
import {hardwareKind, type Host} from '../config/inventory.js';

/**
 * The Hardware column, in the paper's manner: "2 x raspberry-pi, 1 x desktop"; unlabelled hosts by
 * name. Spelt so that analyze reads back the same kinds, whatever a label holds (`1 x "pi, 4GB"`).
 */
export function describeHardware(hosts: readonly Host[]): string {
  const counts = new Map<string, {count: number; labelled: boolean}>();
  for (const host of hosts) {
    const kind = hardwareKind(host);
    const entry = counts.get(kind) ?? {count: 0, labelled: host.labels.length > 0};
    entry.count++;
    counts.set(kind, entry);
  }
  return [...counts].map(([kind, {count, labelled}]) => spellPart(count, kind, !labelled)).join(', ');
}
