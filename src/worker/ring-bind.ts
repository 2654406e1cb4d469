import {parseSshConnection} from '../ssh/connection-ends.js';

/**
 * Where a worker listens for its ring: the address the coordinator names (the loopback for local
 * hosts), or, for `null`, this host's own end of the SSH connection it was started over, the one
 * address its neighbours are sure to reach it at; never every interface. `coordinator` is the
 * other end: this machine as the host sees it, where the coordinator's own local hosts listen.
 */
export function ringBind(
  named: string | null,
  sshConnection: string | undefined,
): {bind: string; coordinator: string | null} {
  const route = parseSshConnection(sshConnection ?? '');
  if (named !== null) return {bind: named, coordinator: route?.coordinator ?? null};
  if (!route)
    throw new Error(
      'this worker was not started over SSH (no SSH_CONNECTION), so it knows no address of its own to listen on for the ring',
    );
  return {bind: route.host, coordinator: route.coordinator};
}
