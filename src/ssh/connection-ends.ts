// Both ends of a host's SSH connection: where the dask scheduler and a network's ring listen.
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

export function isIp(text: string): boolean {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(text) || (/^[0-9A-Fa-f:.]+(%[\w.-]+)?$/.test(text) && text.includes(':'));
}
