import type {Schedule, ScheduleContext} from './schedule.js';

/**
 * Trees split across hosts in proportion to their weights, decided before the run; largest
 * remainders break ties, earlier hosts first.
 */
export function shareByWeight(weights: readonly number[], trees: number): number[] {
  const total = weights.reduce((sum, c) => sum + c, 0);
  const exact = weights.map((c) => (trees * c) / total);
  const shares = exact.map(Math.floor);
  const byRemainder = exact
    .map((value, i) => ({i, remainder: value - shares[i]}))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  const left = trees - shares.reduce((sum, s) => sum + s, 0);
  for (let k = 0; k < left; k++) shares[byRemainder[k].i]++;
  return shares;
}

/** A fixed plan by weight; trees a lost host leaves behind go to whichever host asks next. */
function staticSchedule(context: ScheduleContext, weights: readonly number[]): Schedule {
  const shares = shareByWeight(weights, context.trees);
  const queues = new Map<string, number[]>();
  const orphans: number[] = [];
  let next = 0;
  context.hosts.forEach((host, i) =>
    queues.set(
      host.name,
      Array.from({length: shares[i]}, () => next++),
    ),
  );
  return {
    take(host, room) {
      const taken = orphans.splice(0, room);
      return taken.concat(queues.get(host)?.splice(0, room - taken.length) ?? []);
    },
    completed: () => undefined,
    lost(host, unfinished) {
      orphans.push(...unfinished, ...(queues.get(host)?.splice(0) ?? []));
    },
  };
}

/** The paper's set-up: trees in proportion to cores. */
export function staticCoresSchedule(context: ScheduleContext): Schedule {
  return staticSchedule(
    context,
    context.hosts.map((host) => host.cores),
  );
}

/** Trees in proportion to each host's calibrated throughput (cores where it was not measured). */
export function staticCalibratedSchedule(context: ScheduleContext): Schedule {
  return staticSchedule(
    context,
    context.hosts.map((host) => context.throughput?.get(host.name) ?? host.cores),
  );
}
