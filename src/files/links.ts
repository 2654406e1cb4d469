import {lstatSync, readlinkSync, statSync, type Stats} from 'node:fs';
import {dirname, join, resolve} from 'node:path';

/** Where a write to a path lands once its links are followed. */
export interface LinkEnd {
  path: string;
  /** What is there (a link's target for `special`), or undefined when nothing is. */
  stats?: Stats;
  /** A device, a pipe or a socket: written to where it stands, never replaced. */
  special: boolean;
}

/** As Linux's MAXSYMLINKS: past this many links, open(2) says ELOOP too. */
const MAX_LINKS = 40;

/**
 * Follows the links at `path` one by one, or says why one may not be followed: a link owned by
 * another user than us or root may have been planted (in /tmp, say) to make us overwrite a file of
 * their choosing, and the kernel's fs.protected_symlinks, which would stop that, may be off.
 */
export function walkLinks(path: string): LinkEnd | {problem: string} {
  let current = resolve(path);
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    const real = followFolders(current, path);
    if ('problem' in real) return real;
    current = real.path;
    const stats = statOf(lstatSync, current);
    if (!stats?.isSymbolicLink()) return {path: current, stats, special: stats !== undefined && isSpecial(stats)};
    const to = readlinkSync(current);
    if (!trusted(stats))
      return {
        problem: `'${hop === 0 ? path : current}' is a symbolic link (to ${to}) owned by another user (uid ${stats.uid}): writing through it would overwrite whatever file they chose`,
      };
    // A device or pipe is written where the link stands, and so is what /proc's links name (/dev/stdout ->
    // /proc/self/fd/1 -> "pipe:[123]" or the shell's `> file`): an open file, not a path to replace.
    const target = statOf(statSync, current);
    if (current.startsWith('/proc/') || (target && isSpecial(target)))
      return {path: current, stats: target, special: true};
    current = resolve(dirname(current), to);
  }
  return {problem: `'${path}' is a chain of more than ${MAX_LINKS} symbolic links (a loop?)`};
}

/**
 * `path` with the links among its folders followed, as the kernel does, component by component: one
 * another user planted mid-path (/tmp/shared/sub -> a folder of ours) redirects a write as surely as
 * one at the name, and protected_symlinks would not stop it there even when on.
 */
function followFolders(path: string, given: string): {path: string} | {problem: string} {
  const pending = path.split('/').filter((part) => part !== '');
  const name = pending.pop();
  let current = '/';
  for (let hops = 0; pending.length > 0;) {
    const next = join(current, pending.shift()!);
    const stats = statOf(lstatSync, next);
    if (!stats?.isSymbolicLink()) {
      current = next;
      continue;
    }
    const to = readlinkSync(next);
    if (!trusted(stats))
      return {
        problem: `'${next}' (in '${given}') is a symbolic link (to ${to}) owned by another user (uid ${stats.uid}): writing through it would put the file wherever they chose`,
      };
    if (++hops > MAX_LINKS)
      return {problem: `'${given}' goes through a chain of more than ${MAX_LINKS} symbolic links (a loop?)`};
    pending.unshift(...to.split('/').filter((part) => part !== ''));
    if (to.startsWith('/')) current = '/';
  }
  return {path: name === undefined ? current : join(current, name)};
}

/** The fix for a refused link, for every message that words one. */
export const UNTRUSTED_LINK_FIX = 'remove the link, or name a file in a folder only you can write';

function trusted(link: Stats): boolean {
  return link.uid === 0 || link.uid === process.geteuid?.();
}

function isSpecial(stats: Stats): boolean {
  return stats.isCharacterDevice() || stats.isBlockDevice() || stats.isFIFO() || stats.isSocket();
}

function statOf(stat: (path: string) => Stats, path: string): Stats | undefined {
  try {
    return stat(path);
  } catch {
    return undefined;
  }
}
