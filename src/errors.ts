/** One exit-code table for the whole CLI: scripts can tell bad input from a broken host. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  input: 2,
  host: 3,
  /** bench --fail-on-noise: the sweep finished but its figures carry warnings. */
  noise: 4,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error the CLI turns into a one-line message instead of a stack trace. */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly kind: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface InputProblem {
  /** The file the bad input came from, as the user named it. */
  file: string;
  /** 1-based line, where the parser can tell. */
  line?: number;
  /** 1-based column, for CSV cells. */
  column?: number;
  /** Dotted path of the field, e.g. `hosts.rpi1.cores`. */
  field?: string;
  /** What is wrong, with the bad value. */
  problem: string;
  /** What the user should do about it. */
  fix?: string;
}

/** Bad input from a file or a flag: exit 2, names the file, line, field and the fix. */
export class InputError extends ClusterError {
  constructor(readonly details: InputProblem) {
    super(formatInputProblem(details), ExitCode.input, 'input');
  }
}

export function formatInputProblem(p: InputProblem): string {
  let where = p.file;
  if (p.line !== undefined) where += `:${p.line}`;
  if (p.column !== undefined) where += `:${p.column}`;
  const field = p.field ? ` ${p.field}:` : '';
  const fix = p.fix ? ` (${p.fix})` : '';
  return `${where}:${field} ${p.problem}${fix}`;
}

/** A worker or host failed: carries the host, what was running and the end of its stderr. */
export class HostError extends ClusterError {
  constructor(
    readonly host: string,
    problem: string,
    readonly stderrTail = '',
    /** A word for scripts and fault lists: exited, silent, connection-lost, timeout, auth, ... */
    readonly reason = 'host',
  ) {
    const tail = stderrTail.trim() ? ` (worker stderr: ${lastLine(stderrTail)})` : '';
    super(`host ${host}: ${problem}${tail}`, ExitCode.host, 'host');
  }
}

/** The user stopped the run (Ctrl-C or SIGTERM). */
export class InterruptedError extends ClusterError {
  /** `resumeCommand`: the whole command that continues the sweep, every flag it needs included. */
  constructor(signal: string, resumeCommand?: string) {
    const resume = resumeCommand ? `; continue with: ${resumeCommand}` : '';
    super(`interrupted by ${signal}; finished results were kept${resume}`, ExitCode.interrupted, 'interrupted');
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1].slice(0, 300);
}
