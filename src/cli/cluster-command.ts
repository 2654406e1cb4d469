import {Command} from '@oclif/core';
import {ClusterError, ExitCode} from '../errors.js';

// A file-size limit (ulimit -f) must fail a write with EFBIG, which we report and survive, not
// kill us: execa's exit hook would otherwise re-raise SIGXFSZ with no one left to handle it.
process.on('SIGXFSZ', () => undefined);

/**
 * Every command's base: our typed errors become one line on stderr (or a JSON object with --json)
 * and their exit code, never a stack trace. oclif's own flag errors keep oclif's handling.
 */
export abstract class ClusterCommand extends Command {
  static override enableJsonFlag = true;

  protected override async catch(error: Error & {exitCode?: number; oclif?: unknown}): Promise<unknown> {
    if (error instanceof ClusterError) return this.report(error.kind, error.message, error.exitCode);
    if (error.oclif !== undefined) return super.catch(error);
    const hint = process.env.DEBUG ? `\n${error.stack}` : ' (set DEBUG=1 for the stack trace, and please report it)';
    return this.report('internal', `internal error: ${error.message}${hint}`, ExitCode.failure);
  }

  private report(kind: string, message: string, exitCode: number): void {
    process.exitCode = exitCode;
    if (this.jsonEnabled()) this.logJson({error: {kind, message, exitCode}});
    else process.stderr.write(`Error: ${message}\n`);
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
