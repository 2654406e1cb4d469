import {InputError} from '../errors.js';
import {shellQuote} from '../text/shell-quote.js';
import {matchesGlob} from '../text/host-pattern.js';
import {expandRange, HostRangeError, MAX_HOSTS} from './host-range.js';
import type {Host, Inventory} from './inventory.js';

/**
 * The hosts a --hosts flag names, or every host of the inventory. Comma-separated, as Ansible's
 * patterns: a host, a group, `all`, a glob (`rpi*`), a range (`rpi[1:2]`), or `!pattern` to leave
 * hosts out. Hosts come in the order the patterns name them.
 */
export function selectHosts(inventory: Inventory, patterns: string | undefined): Host[] {
  if (patterns === undefined) return [...inventory.hosts.values()];
  const chosen = new Set<string>();
  const words = patterns
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
  // Only commas (or nothing) would have chosen every host: the user meant some and named none.
  if (words.length === 0)
    throw new InputError({file: '--hosts', problem: `'${patterns}' names no host`, fix: known(inventory)});
  // A lone '!' leaves out nothing it names: say so, not 'unknown host or group ""'.
  if (words.includes('!'))
    throw new InputError({
      file: '--hosts',
      problem: `'${patterns}' has a '!' with no host after it`,
      fix: `write !NAME to leave a host out (${known(inventory)})`,
    });
  const namedBy = (word: string) => namesOf(inventory, words, word);
  for (const word of words.filter((w) => !w.startsWith('!'))) for (const name of namedBy(word)) chosen.add(name);
  if (words.every((word) => word.startsWith('!'))) for (const name of inventory.hosts.keys()) chosen.add(name);
  for (const word of words.filter((w) => w.startsWith('!')))
    for (const name of namedBy(word.slice(1))) chosen.delete(name);
  if (chosen.size === 0)
    throw new InputError({file: '--hosts', problem: `'${patterns}' leaves no host`, fix: known(inventory)});
  return [...chosen].map((name) => inventory.hosts.get(name)!);
}

/** The hosts one word names; a malformed range is an InputError whose fix is the whole flag, mended. */
function namesOf(inventory: Inventory, words: string[], word: string): string[] {
  try {
    return matching(inventory, word);
  } catch (error) {
    if (!(error instanceof HostRangeError)) throw error;
    const ranges = `ranges look like rpi[1:4], at most ${MAX_HOSTS} hosts`;
    const mended =
      error.suggestion === undefined
        ? undefined
        : words.map((w) => (w === word ? error.suggestion : w === `!${word}` ? `!${error.suggestion}` : w)).join(',');
    throw new InputError({
      file: '--hosts',
      problem: error.message,
      fix: mended === undefined ? ranges : `write --hosts ${shellQuote(mended)}; ${ranges}`,
    });
  }
}

function matching(inventory: Inventory, word: string): string[] {
  if (word === 'all' || word === '*') return [...inventory.hosts.keys()];
  const group = inventory.groups.get(word);
  if (group) return group;
  if (inventory.hosts.has(word)) return [word];
  // Globs are matched by hand, never as a regular expression built from the flag.
  const globs = expandRange(word);
  const found = [...inventory.hosts.keys()].filter((host) => globs.some((glob) => matchesGlob(glob, host)));
  if (found.length === 0)
    throw new InputError({file: '--hosts', problem: `unknown host or group '${word}'`, fix: known(inventory)});
  return found;
}

function known(inventory: Inventory): string {
  const groups = [...inventory.groups.keys()];
  return `hosts in ${inventory.file}: ${[...inventory.hosts.keys()].join(', ')}${groups.length > 0 ? `; groups: ${groups.join(', ')}` : ''}`;
}
