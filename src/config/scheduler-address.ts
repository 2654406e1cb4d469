/** A Dask scheduler's address, tcp://HOST:PORT; undefined when `text` is not one. */
export function parseSchedulerAddress(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^tcp:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(text.trim());
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return undefined;
  return text.trim();
}

export const SCHEDULER_FIX = 'write tcp://HOST:PORT, e.g. tcp://192.168.1.10:8786';

/** The two ends of the path between this machine and a host, each as a bare IP address. */
