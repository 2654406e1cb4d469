/** A Dask scheduler's address, tcp://HOST:PORT; undefined when `text` is not one. */
export function parseSchedulerAddress(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(text.trim());
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return undefined;
  return text.trim();
}

export const SCHEDULER_FIX = 'write tcp://HOST:PORT, e.g. tcp://192.168.1.10:8786';

/** The two ends of the path between this machine and a host, each as a bare IP address. */
export interface Route {
  /** This machine, as the host reaches it: what the scheduler listens on and the worker is told. */
  coordinator: string;
  /** The host, as this machine reaches it: what its worker listens on. */
  host: string;
}

/** Both ends of an SSH connection, from sshd's `SSH_CONNECTION` ("client port server port"); undefined when `text` has none. */
export function parseSshConnection(text: string): Route | undefined {
  // The last line: a login shell may print before the command runs.
  const line = text.trim().split('\n').at(-1) ?? '';
  const match = /^(\S+) \d+ (\S+) \d+$/.exec(line.trim());
  return match && isIp(match[1]) && isIp(match[2]) ? {coordinator: match[1], host: match[2]} : undefined;
}

/** An address as a URL writes it: IPv6 in brackets. */
export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Where the scheduler listens: each address the hosts reach this machine at, once. An address
 * that is none of this machine's (`local`) is returned in `foreign`: a NAT or a jump host stands between.
 */
export function listenAddresses(routes: readonly Route[], local: ReadonlySet<string>): {listen: string[]; foreign: string[]} {
  const wanted = [...new Set(routes.map((route) => route.coordinator))];
  const isLocal = (address: string) => local.has(address.split('%')[0]);
  return {listen: wanted.filter(isLocal), foreign: wanted.filter((address) => !isLocal(address))};
}

function isIp(text: string): boolean {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(text) || (/^[0-9A-Fa-f:.]+(%[\w.-]+)?$/.test(text) && text.includes(':'));
}
