import {readdirSync, readFileSync} from 'node:fs';

/** Processes whose environment carries `tag`: the ones a test started, whatever they are called now. */
export function processesTagged(tag: string): {pid: number; title: string}[] {
  const found: {pid: number; title: string}[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').includes(tag)) continue;
      found.push({pid: Number(entry), title: readFileSync(`/proc/${entry}/comm`, 'utf8').trim()});
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * Polls until `probe` sees the event. The bound is only there so a broken build fails instead of
 * hanging: generous, since a loaded 2-core machine can take minutes to start a bench.
 */
export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Dask's scheduler, workers and nannies, and the engine's driver, among the processes tagged `tag`. */
export function daskProcesses(tag: string): string[] {
  return processesTagged(tag).flatMap(({pid}) => {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      return /distributed|dask_driver|multiprocessing/.test(command) ? [`${pid}: ${command}`] : [];
    } catch {
      return [];
    }
  });
}
