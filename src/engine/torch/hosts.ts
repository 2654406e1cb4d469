import type {Host, Inventory} from '../../config/inventory.js';
import {HostError} from '../../errors.js';
import {DEFAULT_CONCURRENCY, mapBounded, settle} from '../../transport/fan-out.js';
import {type HostShell, localShell, openShell} from '../../transport/shell.js';
import {routeTo} from '../host-route.js';
import {type Route, workerBindProblem} from '../scheduler-address.js';
import {printable} from '../../text/printable.js';
import {findTorchPython, type TorchPython, torchMismatch, usableTorch} from './python.js';

/** A host ready for a torch rank: its shell, its Python, and the addresses it and this machine meet on. */
export interface TorchHost {
  host: Host;
  shell: HostShell;
  python: TorchPython;
  route: Route;
}

/**
 * Opens every host's shell and finds its Python with torch and gloo, refusing a host without them
 * (with the command that installs them) or with another torch than the first host's, before
 * anything runs. A local host uses its `python`, else the inventory's, else the first python3 that imports torch.
 */
export async function openTorchHosts(inventory: Inventory, hosts: readonly Host[]): Promise<TorchHost[]> {
  const concurrency = inventory.connectConcurrency ?? DEFAULT_CONCURRENCY;
  // A few at a time: sshd drops logins past its MaxStartups.
  const opened = await mapBounded(hosts, concurrency, (host) => settle(openShell(host)));
  const shells = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failure = opened.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    const ready = await mapBounded(
      hosts.map((host, i) => [host, shells[i]] as const),
      concurrency,
      async ([host, shell]): Promise<TorchHost> => ({
        host,
        shell,
        python: await torchPythonOf(inventory, host, shell),
        route: await routeTo(host, shell, 'the torch rank would not know which address to listen on', 'torch-route'),
      }),
    );
    refuseMismatches(ready);
    return ready;
  } catch (error) {
    for (const shell of shells) shell.close();
    throw error;
  }
}

/** The host's Python for torch, refused when it is not there or lacks torch with gloo. */
export async function torchPythonOf(
  inventory: Inventory,
  host: Host,
  shell: HostShell,
  quick = false,
): Promise<TorchPython> {
  const named = host.python ?? (host.transport === 'local' || shell === localShell ? inventory.python : undefined);
  return usableTorch(inventory, host, await findTorchPython(shell, named, quick));
}

function refuseMismatches(hosts: readonly TorchHost[]): void {
  const [first] = hosts;
  for (const other of hosts.slice(1)) {
    const mismatch = torchMismatch(
      {name: first.host.name, python: first.python},
      {name: other.host.name, python: other.python},
    );
    if (mismatch)
      throw new HostError(
        other.host.name,
        `${mismatch}: DistributedDataParallel needs the same torch on every host; install one version everywhere`,
        '',
        'version-mismatch',
      );
  }
}

/**
 * Where each host's gloo listens in a run of `hosts`: an SSH host on its own end of its SSH
 * connection; a local host on the loopback, or, when SSH hosts must reach it too, on this machine's
 * address as they see it. Never every interface.
 */
export function glooBinds(hosts: readonly TorchHost[]): string[] {
  const seen = new Set(hosts.filter((h) => h.host.transport !== 'local').map((h) => h.route.coordinator));
  const local = hosts.filter((h) => h.host.transport === 'local');
  if (local.length > 0 && seen.size > 1)
    throw new HostError(
      local.map((h) => h.host.name).join(', '),
      `the SSH hosts reach this machine at ${[...seen].join(' and ')}, so its local hosts would have no one address for gloo to listen on; run them from one network`,
      '',
      'torch-route',
    );
  const localBind = seen.size === 1 ? [...seen][0] : '127.0.0.1';
  return hosts.map((h) => {
    if (h.host.transport === 'local') return localBind;
    const problem = workerBindProblem(h.route.host);
    if (problem)
      throw new HostError(
        h.host.name,
        `sshd says this host is reached at ${printable(h.route.host)}, which ${problem}, so its gloo would not listen on one address of its own; check that nothing in the host's shell start-up files sets SSH_CONNECTION, or use --engine native`,
        '',
        'torch-route',
      );
    return h.route.host;
  });
}
