import {randomBytes} from 'node:crypto';
import {linkSync, lstatSync, readFileSync, renameSync, unlinkSync} from 'node:fs';
import {hostname} from 'node:os';
import {InputError} from '../errors.js';
import {createExclusive} from '../files/write-whole.js';

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** results/<id>.lock beside results/<id>.jsonl. */
export function lockFileFor(journalFile: string): string {
  return journalFile.replace(/\.jsonl$/, '.lock');
}

/**
 * results/<id>.lock: one process at a time runs a sweep, so two `--resume` of one id cannot both
 * append runs. A lock whose process is gone (killed, crashed) is taken over.
 */
export class JournalLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(private readonly file: string) {
    // A lock must not outlive its process, whatever way the process ends short of SIGKILL.
    process.once('exit', this.onExit);
  }

  static acquire(journalFile: string): JournalLock {
    const file = lockFileFor(journalFile);
    const mine: Holder = {pid: process.pid, host: hostname(), since: new Date().toISOString()};
    // Written whole under a random name of our own (a guessable one could be a planted link), then linked: the lock never exists half written.
    const draft = `${file}.${randomBytes(8).toString('hex')}`;
    createExclusive(draft, JSON.stringify(mine));
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          linkSync(draft, file);
          return new JournalLock(file);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        // Something else under the lock's name (a folder, a link, a device) is neither read nor moved.
        const kind = notAFile(file);
        if (kind)
          throw new InputError({
            file,
            problem: `is ${kind}, not a lock this toolkit wrote`,
            fix: 'remove it if no bench of this sweep is running, then run the command again',
          });
        const holder = readHolder(file);
        if (holder && alive(holder)) {
          throw new InputError({
            file: journalFile,
            problem: `this sweep is being run by process ${holder.pid} on ${holder.host} (since ${holder.since}; lock ${file})`,
            fix: `wait for it to finish or stop it; if process ${holder.pid} is not a cluster bench (the machine restarted since), remove ${file}`,
          });
        }
        takeOverStale(file, holder);
      }
      throw new InputError({
        file: journalFile,
        problem: `cannot take the lock ${file}: other processes keep taking it`,
        fix: 'run one bench of this sweep at a time',
      });
    } finally {
      unlinkSync(draft);
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      if (readHolder(this.file)?.pid === process.pid) unlinkSync(this.file);
    } catch {
      // Gone already.
    }
  }
}

function notAFile(file: string): string | undefined {
  try {
    const stat = lstatSync(file);
    if (stat.isFile()) return undefined;
    return stat.isDirectory() ? 'a folder' : stat.isSymbolicLink() ? 'a symbolic link' : 'a special file';
  } catch {
    return undefined;
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Another machine's process cannot be checked from here: it counts as alive. */
function alive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the dead holder's lock aside; if another process took it over in between, puts theirs back. */
function takeOverStale(file: string, stale: Holder | undefined): void {
  const aside = `${file}.stale.${randomBytes(8).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  if (moved && stale && moved.pid !== stale.pid) {
    try {
      linkSync(aside, file);
    } catch {
      // Someone holds it again: the next attempt reads them.
    }
  }
  unlinkSync(aside);
}
