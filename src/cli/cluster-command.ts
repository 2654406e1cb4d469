import {Command} from '@oclif/core';
import {ClusterError, describeError, errorJson, FinishedWithError, UsageError} from '../errors.js';
import {usageMessage} from './usage-error.js';

// A file-size limit (ulimit -f) must fail a write with EFBIG, which we report and survive, not
// kill us: execa's exit hook would otherwise re-raise SIGXFSZ with no one left to handle it.
process.on('SIGXFSZ', () => undefined);

/**
 * Every command's base: our typed errors, and oclif's own flag errors, become one line on stderr
 * (or `{"error": {...}}` with --json) and the exit code of src/errors.ts, never a stack trace.
 */
export abstract class ClusterCommand extends Command {
  static override enableJsonFlag = true;

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
    else process.stderr.write(`Error: ${describeError(error)}\n`);
  }

  /** An AbortSignal that fires on Ctrl-C or SIGTERM, for the duration of `work`. */
  protected async interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    // `on`, not `once`: execa's exit hook re-raises a signal that no other listener is left to handle.
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      return await work(controller.signal);
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }
}
