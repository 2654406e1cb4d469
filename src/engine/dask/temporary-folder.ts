import {lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {onExit} from 'signal-exit';

/** A private folder (mode 0700) of the sweep's training rows and certificates. */
export interface TemporaryFolder {
  readonly path: string;
  /** A private folder inside it. */
  folder(name: string): string;
  remove(): void;
}

/** Inside each folder: the pid, start time and boot of the process that made it, so a later run can tell it was left behind. */
const OWNER = 'owner';

/**
 * Makes one under the system's temporary folder. Besides `remove()`, it goes when the process
 * exits, by a signal too (HUP, TERM, INT unhandled), since an abort handler may never get to run.
 * A SIGKILLed run's folder (its keys and training rows) stays: the next run sweeps it first.
 */
export function temporaryFolder(prefix: string): TemporaryFolder {
  sweepStaleFolders(prefix);
  const path = mkdtempSync(join(tmpdir(), prefix));
  // Without /proc nothing tells the owner: an empty file, and the folder is never swept.
  writeFileSync(join(path, OWNER), ownerOf(process.pid) ?? '', {mode: 0o600});
  const removeNow = () => rmSync(path, {recursive: true, force: true});
  const unhook = onExit(removeNow);
  return {
    path,
    folder(name) {
      const inner = join(path, name);
      mkdirSync(inner, {mode: 0o700});
      return inner;
    },
    remove() {
      unhook();
      removeNow();
    },
  };
}

/**
 * Removes the folders `temporaryFolder(prefix)` made whose process is gone (ended, or its pid
 * another's now): only real folders of this user, by mkdtemp's name, with an owner file naming a dead run.
 */
export function sweepStaleFolders(prefix: string, root = tmpdir()): string[] {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[A-Za-z0-9]{6}$`);
  const removed: string[] = [];
  for (const name of readdirSync(root).filter((entry) => pattern.test(entry))) {
    const path = join(root, name);
    if (!isStale(path)) continue;
    rmSync(path, {recursive: true, force: true});
    removed.push(path);
  }
  return removed;
}

/** A folder without an owner file is left: it may be one being made this instant, or another program's. */
function isStale(path: string): boolean {
  try {
    const folder = lstatSync(path);
    if (!folder.isDirectory() || folder.uid !== process.getuid?.()) return false;
    const owner = readFileSync(join(path, OWNER), 'utf8');
    const pid = /^(\d+) /.exec(owner);
    return pid !== null && ownerOf(Number(pid[1])) !== owner;
  } catch {
    return false;
  }
}

/** "pid start-time boot-id", undefined when no process has the pid (or a zombie); a recycled pid starts at another time. */
function ownerOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces and parentheses: fields count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    const started = fields[19];
    return `${pid} ${started} ${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}`;
  } catch {
    return undefined;
  }
}
