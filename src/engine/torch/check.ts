import type {Host, Inventory} from '../../config/inventory.js';
import {ClusterError} from '../../errors.js';
import {DEFAULT_CONCURRENCY, mapBounded} from '../../transport/fan-out.js';
import type {ConnectOptions} from '../../ssh/session.js';
import {openShell} from '../../transport/shell.js';
import {torchPythonOf} from './hosts.js';
import {type TorchPython, torchMismatch} from './python.js';

/** Whether a host can run a torch rank: its Python and torch, or why not and how to fix it. */
export interface TorchCheck {
  host: string;
  ok: boolean;
  python: TorchPython | null;
  error: string | null;
  reason?: string;
}

/**
 * Checks every host's Python for the torch engine (torch with gloo), one failure not stopping the
 * others; a host whose torch differs from the first good host's is refused, naming both.
 */
export async function checkTorchHosts(
  inventory: Inventory,
  hosts: readonly Host[],
  options: ConnectOptions = {},
  /** Finds torch without importing it (status, on every call): gloo is not checked. */
  quick = false,
): Promise<TorchCheck[]> {
  const checks = await mapBounded(
    hosts,
    inventory.connectConcurrency ?? DEFAULT_CONCURRENCY,
    async (host): Promise<TorchCheck> => {
      try {
        const shell = await openShell(host, options);
        try {
          return {host: host.name, ok: true, python: await torchPythonOf(inventory, host, shell, quick), error: null};
        } finally {
          shell.close();
        }
      } catch (error) {
        if (!(error instanceof ClusterError) || error.exitCode === 2) throw error;
        const reason = (error as ClusterError & {reason?: string}).reason ?? error.kind;
        return {host: host.name, ok: false, python: null, error: error.message, reason};
      }
    },
  );
  const first = checks.find((check) => check.ok);
  for (const check of checks) {
    if (!first || check === first || !check.ok) continue;
    const mismatch = torchMismatch(
      {name: first.host, python: first.python!},
      {name: check.host, python: check.python!},
    );
    if (mismatch)
      Object.assign(check, {
        ok: false,
        error: `${mismatch}: DistributedDataParallel needs the same torch on every host; install one version everywhere`,
        reason: 'version-mismatch',
      });
  }
  return checks;
}
