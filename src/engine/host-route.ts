import type {Host} from '../config/inventory.js';
import {HostError} from '../errors.js';
import {printable} from '../text/printable.js';
import type {HostShell} from '../transport/shell.js';
import {parseSshConnection, type Route} from './scheduler-address.js';

/**
 * The addresses a host and this machine meet on: the loopback for a local host, an SSH host's
 * two ends of its SSH connection. `needs` says, for the message, what could not be started
 * without them ("the dask worker would not know where the scheduler listens"); `reason` is the error's kind.
 */
export async function routeTo(host: Host, shell: HostShell, needs: string, reason: string): Promise<Route> {
  if (host.transport === 'local') return {coordinator: '127.0.0.1', host: '127.0.0.1'};
  const answer = await shell.run('echo "$SSH_CONNECTION"');
  const route = parseSshConnection(answer.stdout);
  if (!route)
    throw new HostError(
      host.name,
      `sshd did not say the addresses of the connection (SSH_CONNECTION is '${printable(answer.stdout.trim())}'): ${needs}`,
      '',
      reason,
    );
  return route;
}
