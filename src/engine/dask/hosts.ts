import type {Host, Inventory} from '../../config/inventory.js';
import {HostError} from '../../errors.js';
import {DEFAULT_CONCURRENCY, mapBounded, settle} from '../../transport/fan-out.js';
import {type HostShell, localShell, openShell} from '../../transport/shell.js';
import {routeTo} from '../host-route.js';
import {usablePython} from '../python/probe.js';
import type {DaskHost} from './cluster.js';
import {findPython, INSTALL_COMMAND, type PythonProblem, type PythonVersions, versionMismatches} from './python.js';

/**
 * Finds the coordinator's Python and every host's, and checks that each has scikit-learn and
 * dask/distributed at the coordinator's versions, before anything starts.
 */
export async function checkPythons({
  inventory,
  hosts,
}: {
  inventory: Inventory;
  hosts: Host[];
}): Promise<{coordinator: PythonVersions; hosts: DaskHost[]}> {
  const coordinator = usable(inventory, undefined, await findPython(localShell, inventory.python));
  // A few at a time: sshd drops logins past its MaxStartups.
  const opened = await mapBounded(hosts, inventory.connectConcurrency ?? DEFAULT_CONCURRENCY, (host) =>
    settle(openShell(host)),
  );
  const shells = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failure = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    return {
      coordinator,
      hosts: await mapBounded(
        hosts.map((host, i) => [host, shells[i]] as const),
        inventory.connectConcurrency ?? DEFAULT_CONCURRENCY,
        ([host, shell]) => readyHost(inventory, host, shell, coordinator),
      ),
    };
  } catch (error) {
    for (const shell of shells) shell.close();
    throw error;
  }
}

async function readyHost(
  inventory: Inventory,
  host: Host,
  shell: HostShell,
  coordinator: PythonVersions,
): Promise<DaskHost> {
  const python = await checkHost(inventory, host, shell, coordinator);
  return {
    host,
    shell,
    python: python.path,
    route: await routeTo(host, shell, 'the dask worker would not know where the scheduler listens', 'dask-route'),
  };
}

/** The host's Python, refused when it lacks the modules or its versions differ from the coordinator's. */
export async function checkHost(
  inventory: Inventory,
  host: Host,
  shell: HostShell,
  coordinator: PythonVersions,
): Promise<PythonVersions> {
  // A local host shares this machine, and so the coordinator's Python unless it names its own.
  const named = host.python ?? (host.transport === 'local' ? coordinator.path : undefined);
  const python = usable(inventory, host, await findPython(shell, named));
  const mismatches = versionMismatches(coordinator, python);
  if (mismatches.length > 0)
    throw new HostError(
      host.name,
      `${mismatches.join('; ')}: Dask needs the same versions everywhere; install them (${INSTALL_COMMAND})`,
      '',
      'version-mismatch',
    );
  return python;
}

/** Refuses a Python that is not there (bad input: the inventory names it) or lacks the modules (the host needs them installed). */
export function usable(
  inventory: Inventory,
  host: Host | undefined,
  found: PythonVersions | PythonProblem,
): PythonVersions {
  return usablePython(inventory, host, found, {
    engine: 'dask',
    modules: 'sklearn and distributed',
    packages: 'scikit-learn and dask/distributed',
    install: INSTALL_COMMAND,
    missingReason: 'dask-missing',
  });
}
