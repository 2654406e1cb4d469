import {readdirSync, readFileSync} from 'node:fs';

/** When the system does not say (not Linux, or no sysfs): a Raspberry Pi 3's L2, the smallest of the hosts we meet. */
const FALLBACK_L2_BYTES = 512 * 1024;
const CACHES = '/sys/devices/system/cpu/cpu0/cache';

/** The first CPU's level 2 cache (data or unified), in bytes, as Linux's sysfs tells it. */
export function l2CacheBytes(): number {
  try {
    for (const entry of readdirSync(CACHES)) {
      if (!entry.startsWith('index')) continue;
      const read = (name: string) => readFileSync(`${CACHES}/${entry}/${name}`, 'utf8').trim();
      if (read('level') !== '2' || read('type') === 'Instruction') continue;
      const size = /^(\d+)([KM]?)$/.exec(read('size'));
      if (!size) continue;
      const bytes = Number(size[1]) * (size[2] === 'M' ? 1024 * 1024 : size[2] === 'K' ? 1024 : 1);
      if (bytes >= 64 * 1024) return bytes;
    }
  } catch {
    // No sysfs: the fallback.
  }
  return FALLBACK_L2_BYTES;
}
