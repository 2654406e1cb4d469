import {closeSync} from 'node:fs';
import {isatty} from 'node:tty';
import {Command, type Interfaces, ux} from '@oclif/core';

// oclif's own shapes of parsed flags and args (its interfaces do not export them by name).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlagOutput = {[name: string]: any};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArgOutput = {[name: string]: any};
type Input<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput> = Interfaces.Input<F, B, A>;
type ParserOutput<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput> = Interfaces.ParserOutput<F, B, A>;
import {
  ClusterError,
  describeError,
  errorJson,
  FinishedWithError,
  HostError,
  InterruptedError,
  UsageError,
} from '../errors.js';
import {printable, printableJson} from '../text/printable.js';
import {usageMessage} from './usage-error.js';

// A file-size limit (ulimit -f) must fail a write with EFBIG, which we report and survive, not
// kill us: execa's exit hook would otherwise re-raise SIGXFSZ with no one left to handle it.
process.on('SIGXFSZ', () => undefined);

/** The signals that stop a command as Ctrl-C does: SIGHUP is the terminal closing, and means the same. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// A closed terminal (SIGHUP) or a closed pipe fails our writes with EIO or EPIPE: the message is
// lost, but the process must still end as it would have, its lock removed and its exit code set.
// oclif's own listener on stdout forgives EPIPE only and rethrows EIO: ours takes its place.
process.stdout.removeAllListeners('error');
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
}

// Node 20 aborts at exit (SIGABRT, exit 134) restoring a terminal that hung up, its tcsetattr
// failing with EIO; it skips a descriptor that was closed, so a terminal that is gone is closed first.
const STDIO = [0, 1, 2];
const terminalAtStart = STDIO.map((fd) => isatty(fd));
process.on('exit', () => {
  for (const fd of STDIO) if (terminalAtStart[fd] && !isatty(fd)) closeQuietly(fd);
});

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Closed already.
  }
}

/**
 * Every command's base: our typed errors, and oclif's own flag errors, become one line on stderr
 * (or `{"error": {...}}` with --json) and the exit code of src/errors.ts, never a stack trace.
 */
export abstract class ClusterCommand extends Command {
  static override enableJsonFlag = true;

  /**
   * oclif's parse, refusing an empty value: `--results-dir ''` was an internal error, `--out ''`
   * failed after the fit, `--test ''`, `--resume ''` and `--export-json ''` were ignored as if
   * absent, `-e ''` looked for `experiments/.yaml`.
   */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    const command = [this.config.bin, ...(this.id ?? '').split(':')].filter(Boolean).join(' ');
    for (const [name, value] of Object.entries(parsed.flags as Record<string, unknown>)) {
      if (value === '' || (Array.isArray(value) && value.includes('')))
        throw new UsageError(`--${name} is empty: give it a value, or leave the flag out (see: ${command} --help)`);
    }
    for (const [name, value] of Object.entries(parsed.args as Record<string, unknown>)) {
      if (value === '')
        throw new UsageError(`${name.toUpperCase()} is empty: give it a value (see: ${command} --help)`);
    }
    return parsed;
  }

  protected override async catch(error: Error & {oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    // --help and --version end by throwing an exit request: that is oclif's to finish.
    if (error.code === 'EEXIT') return super.catch(error);
    if (error instanceof ClusterError) return this.report(error);
    if (error.oclif !== undefined) {
      // The parse was attempted and refused: oclif would otherwise warn that it never ran.
      this.parsed = true;
      return this.report(new UsageError(usageMessage(error.message, this.id ?? '', this.config.bin, this.argv)));
    }
    const hint = process.env.DEBUG ? `\n${error.stack}` : ' (set DEBUG=1 for the stack trace, and please report it)';
    return this.report(new ClusterError(`internal error: ${error.message}${hint}`, 'internal'));
  }

  private report(error: ClusterError): void {
    process.exitCode = error.exitCode;
    if (this.jsonEnabled()) this.logJson(error instanceof FinishedWithError ? error.result : errorJson(error));
    // One line, whatever the message quotes (a CSV header cell may hold a line break, a host's
    // stderr escape sequences): every control character is shown, never obeyed.
    else process.stderr.write(`Error: ${printable(describeError(error))}\n`);
  }

  /** oclif's JSON, with the control characters JSON.stringify leaves raw (DEL, C1, bidi) escaped too. */
  override logJson(json: unknown): void {
    ux.stdout(printableJson(ux.colorizeJson(json, {pretty: true, theme: this.config.theme?.json})));
  }

  /** What an interrupted command left, for its message ('' says nothing): bench keeps its finished runs, train saves nothing. */
  protected interruptOutcome = '';
  /** The command that continues the interrupted work, once there is one (bench's --resume). */
  protected interruptHint: () => string | undefined = () => undefined;
  /** How many interruptible scopes are running: outside them, the base class answers a signal itself. */
  private scopes = 0;
  private readonly onStopOutside = (signal: NodeJS.Signals) => {
    if (this.scopes > 0) return;
    // Work that cannot hear a signal (a connect, a save) ends here as an interrupted scope would, not killed with 129 or 143.
    this.report(this.interrupted(signal));
    process.exit(130);
  };

  override async init(): Promise<void> {
    for (const name of STOP_SIGNALS) process.on(name, this.onStopOutside);
    await super.init();
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    for (const name of STOP_SIGNALS) process.removeListener(name, this.onStopOutside);
    return super.finally(error);
  }

  /** The interruption as this command words it, with the command that continues it when there is one. */
  private interrupted(signal: string, resumeCommand?: string): InterruptedError {
    return new InterruptedError(signal, resumeCommand ?? this.interruptHint(), this.interruptOutcome);
  }

  /** An AbortSignal that fires on Ctrl-C, SIGTERM or SIGHUP, for the duration of `work`. */
  protected async interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    // `on`, not `once`: execa's exit hook re-raises a signal that no other listener is left to handle.
    for (const name of STOP_SIGNALS) process.on(name, onSignal);
    this.scopes++;
    try {
      const result = await work(controller.signal);
      // A signal that came while the work could no longer hear it (between two steps) still stops
      // the command: nothing is saved or printed as if it had not come.
      if (controller.signal.aborted) throw this.interrupted(String(controller.signal.reason));
      return result;
    } catch (error) {
      if (error instanceof InterruptedError) throw this.interrupted(error.signal, error.resumeCommand);
      // Whatever failed once the signal came (an engine's shutdown) is the interruption, with its --resume.
      if (controller.signal.aborted) throw this.interrupted(String(controller.signal.reason));
      if (error instanceof HostError && error.reason === 'interrupted') throw this.interrupted('SIGINT');
      throw error;
    } finally {
      this.scopes--;
      for (const name of STOP_SIGNALS) process.removeListener(name, onSignal);
    }
  }
}
