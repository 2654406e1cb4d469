import {readFileSync} from 'node:fs';
import {cpus} from 'node:os';
import type {CpuSample} from '../protocol/messages.js';

/** Linux reports /proc/stat in USER_HZ ticks, 100 a second on every architecture Node.js runs on. */
const TICKS_PER_SECOND = 100;

/**
 * This machine's CPU time so far, busy and in all, and this process's own (all its threads): the
 * coordinator subtracts every toolkit process of a machine from its busy time to see what other
 * processes took. The boot id names the machine: network-namespace lab hosts share it with the
 * machine they run on. Without /proc (macOS) the machine is null: interference cannot be measured.
 */
export function readCpuSample(): CpuSample {
  const usage = process.cpuUsage();
  const self = (usage.user + usage.system) / 1e6;
  try {
    const machine = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user).
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return {
      machine,
      cpus: cpus().length,
      busy: busy / TICKS_PER_SECOND,
      total: (busy + idle + iowait) / TICKS_PER_SECOND,
      self,
    };
  } catch {
    return {machine: null, cpus: cpus().length, busy: 0, total: 0, self};
  }
}
