import {printable} from './text/printable.js';

/**
 * One table for the whole CLI: each kind of error, its exit code and what it means, so scripts can
 * tell bad input from a broken host. docs/errors.md is this table.
 */
export const ERROR_KINDS = {
  /** A bug: the CLI prints "internal error" and how to get the stack. */
  internal: {exitCode: 1},
  /** Bad input: a file, a field, a flag (oclif's flag errors included). */
  input: {exitCode: 2},
  /** A host or its worker failed. */
  host: {exitCode: 3},
  /** bench --fail-on-noise: the sweep finished but its figures carry warnings. */
  noise: {exitCode: 4},
  /** This machine cannot run the lab: not root, a tool missing, a system command failed. */
  lab: {exitCode: 5},
  /** The user stopped the run (Ctrl-C, SIGTERM, SIGHUP: the terminal closed). */
  interrupted: {exitCode: 130},
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** Exit codes by name, from the table above (0 is success). */
export const ExitCode = {
  ok: 0,
  failure: ERROR_KINDS.internal.exitCode,
  input: ERROR_KINDS.input.exitCode,
  host: ERROR_KINDS.host.exitCode,
  noise: ERROR_KINDS.noise.exitCode,
  lab: ERROR_KINDS.lab.exitCode,
  interrupted: ERROR_KINDS.interrupted.exitCode,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base of every error the CLI turns into a one-line message instead of a stack trace. */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get exitCode(): ExitCodeValue {
    return ERROR_KINDS[this.kind].exitCode;
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
    super(formatInputProblem(details), 'input');
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

/** A flag the command line got wrong (unknown, missing, not one of the choices): exit 2. */
export class UsageError extends ClusterError {
  constructor(message: string) {
    super(message, 'input');
  }
}

/**
 * A worker or host failed. The message is the problem only; `host` stays a field, and
 * `describeError` writes the sentence "host X: problem" for the user.
 */
export class HostError extends ClusterError {
  constructor(
    readonly host: string,
    problem: string,
    readonly stderrTail = '',
    /** A word for scripts and fault lists: exited, silent, connection-lost, timeout, auth, ... */
    readonly reason = 'host',
  ) {
    const tail = stderrTail.trim() ? ` (worker stderr: ${lastLine(stderrTail)})` : '';
    // A host's words (its stderr, its worker's or its server's messages) are outside text: wherever
    // the message goes (a table, a results file, a fault list), no escape sequence of theirs goes with it.
    super(printable(`${problem}${tail}`), 'host');
  }
}

/**
 * The command did its work, and its whole result is still its output (with --json, in place of the
 * error object), but the exit code must say that something went wrong.
 */
export class FinishedWithError extends ClusterError {
  constructor(
    message: string,
    kind: ErrorKind,
    readonly result: unknown,
  ) {
    super(message, kind);
  }
}

/** Some hosts failed, the others did their part (provision, status): the exit code is a host's. */
export class HostsFailedError extends FinishedWithError {
  constructor(
    readonly hosts: string[],
    what: string,
    result: unknown,
  ) {
    super(`${what}: ${hosts.join(', ')}`, 'host', result);
  }
}

/** bench --fail-on-noise: the sweep finished and was saved, but its figures carry warnings. */
export class NoisyResultError extends FinishedWithError {
  constructor(warnings: number, result: unknown) {
    super(
      `${warnings} warning(s) above, and --fail-on-noise makes them an error (exit ${ERROR_KINDS.noise.exitCode}); the results were saved`,
      'noise',
      result,
    );
  }
}

/** The user stopped the run (Ctrl-C, SIGTERM or SIGHUP). */
export class InterruptedError extends ClusterError {
  /** `resumeCommand`: the whole command that continues the sweep, every flag it needs included. */
  /** `outcome`: what the interrupted command left, e.g. "nothing was saved" ('' says nothing). */
  constructor(
    readonly signal: string,
    readonly resumeCommand?: string,
    outcome = 'finished results were kept',
  ) {
    const resume = resumeCommand ? `; continue with: ${resumeCommand}` : '';
    super(`interrupted by ${signal}${outcome ? `; ${outcome}` : ''}${resume}`, 'interrupted');
  }
}

/** The one sentence the user reads for an error of ours (without the "Error: " the CLI adds). */
export function describeError(error: ClusterError): string {
  return error instanceof HostError ? `host ${error.host}: ${error.message}` : error.message;
}

/** An error as `--json` prints it: `{"error": {kind, message, exitCode}}`, plus host and reason for a host's. */
export function errorJson(error: ClusterError): {
  error: {kind: ErrorKind; message: string; exitCode: number; host?: string; reason?: string};
} {
  const json = {kind: error.kind, message: describeError(error), exitCode: error.exitCode};
  return {error: error instanceof HostError ? {...json, host: error.host, reason: error.reason} : json};
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1].slice(0, 300);
}
