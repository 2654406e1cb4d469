import {readFileSync} from 'node:fs';

/**
 * What tells a process the lab started from one that got its pid later (after a crash or a reboot
 * pids are reused): its start time and the boot it started in, recorded at up, and its command line.
 */
export interface LabProcess {
  pid: number;
  /** Clock ticks after boot (field 22 of /proc/PID/stat); absent in states written before it was recorded. */
  started?: string;
  /** Strings of which its command line holds one, whatever it has become since (sh, then ip netns exec, then sshd). */
  marks: string[];
}

/** This boot of the machine: a pid and start time of another boot name nothing of ours. */
export function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** When the process started, or undefined when there is none with that pid. */
export function startTimeOf(pid: number): string | undefined {
  return statOf(pid)?.started;
}

/** Whether the pid is still the process the lab started, in this boot, has ended, or is another program's now. */
export function whoIs(process: LabProcess, boot: string | undefined): 'ours' | 'gone' | 'another' {
  const stat = statOf(process.pid);
  // A zombie has ended already: nothing to stop.
  if (!stat || stat.state === 'Z') return 'gone';
  if (process.started !== undefined && (process.started !== stat.started || boot !== bootId())) return 'another';
  const command = (readProc(process.pid, 'cmdline') ?? '').replaceAll('\0', ' ');
  return process.marks.some((mark) => command.includes(mark)) ? 'ours' : 'another';
}

function statOf(pid: number): {state: string; started: string} | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // The command name, in parentheses, may hold spaces and parentheses of its own: fields count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {state: fields[0], started: fields[19]};
}

function readProc(pid: number, file: 'stat' | 'cmdline'): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
