import type {Host, Inventory} from '../../config/inventory.js';
import {ClusterError, HostError} from '../../errors.js';
import {DEFAULT_CONCURRENCY, mapBounded} from '../../transport/fan-out.js';
import type {ConnectOptions} from '../../ssh/session.js';
import {localShell, openShell} from '../../transport/shell.js';
import {checkHost, usable} from './hosts.js';
import {findPython, type PythonVersions} from './python.js';

/** Whether a host can run a dask worker: its Python and versions, or why not and how to fix it. */
export interface DaskCheck {
  host: string;
  ok: boolean;
  python: PythonVersions | null;
  error: string | null;
  reason?: string;
}

/** Checks every host's Python for the dask engine against the coordinator's, one failure not stopping the others. */
export async function checkDaskHosts(
  inventory: Inventory,
  hosts: readonly Host[],
  options: ConnectOptions = {},
): Promise<DaskCheck[]> {
  let coordinator: PythonVersions;
  try {
    coordinator = usable(inventory, undefined, await findPython(localShell, inventory.python));
  } catch (error) {
    if (!(error instanceof HostError)) throw error;
    return hosts.map((host) => ({
      host: host.name,
      ok: false,
      python: null,
      error: error.message,
      reason: error.reason,
    }));
  }
  return mapBounded(hosts, inventory.connectConcurrency ?? DEFAULT_CONCURRENCY, async (host): Promise<DaskCheck> => {
    try {
      const shell = await openShell(host, options);
      try {
        return {host: host.name, ok: true, python: await checkHost(inventory, host, shell, coordinator), error: null};
      } finally {
        shell.close();
      }
    } catch (error) {
      if (!(error instanceof ClusterError) || error.exitCode === 2) throw error;
      return {
        host: host.name,
        ok: false,
        python: null,
        error: error.message,
        reason: (error as ClusterError & {reason?: string}).reason ?? error.kind,
      };
    }
  });
}
