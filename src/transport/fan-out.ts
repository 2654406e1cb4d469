/**
 * Hosts reached at once by one command, unless the inventory's connectConcurrency or --concurrency
 * says otherwise: below OpenSSH's MaxStartups (10:30:100), past which sshd drops new connections
 * that are not yet logged in (of 300 hosts on one sshd, 197 were reported unreachable).
 */
export const DEFAULT_CONCURRENCY = 8;

/**
 * `work` on every item, at most `limit` at a time, results in the items' order. After a failure
 * nothing more starts; it rejects with the first error once the items running have ended.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: {error: unknown} | undefined;
  const run = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await work(items[i]);
      } catch (error) {
        failure ??= {error};
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(Math.max(1, limit), items.length)}, run));
  if (failure) throw failure.error;
  return results;
}

/** A promise that never rejects: for fan-outs that must see every host's outcome, to close what did start. */
export function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return promise.then(
    (value) => ({status: 'fulfilled', value}),
    (reason: unknown) => ({status: 'rejected', reason}),
  );
}
