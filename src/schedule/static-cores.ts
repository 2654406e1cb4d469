import type {Host} from '../config/inventory.js';
import type {Schedule} from './schedule.js';

/**
 * The paper's set-up: trees split across hosts in proportion to their cores, decided before the run.
 * Largest remainders break ties, earlier hosts first.
 */
export function shareByCores(cores: readonly number[], trees: number): number[] {
  const total = cores.reduce((sum, c) => sum + c, 0);
  const exact = cores.map((c) => (trees * c) / total);
  const shares = exact.map(Math.floor);
  const byRemainder = exact.map((value, i) => ({i, remainder: value - shares[i]})).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  const left = trees - shares.reduce((sum, s) => sum + s, 0);
  for (let k = 0; k < left; k++) shares[byRemainder[k].i]++;
  return shares;
}

export function staticCoresSchedule(hosts: readonly Host[], trees: number): Schedule {
  const shares = shareByCores(hosts.map((host) => host.cores), trees);
  const queues = new Map<string, number[]>();
  let next = 0;
  hosts.forEach((host, i) => {
    queues.set(host.name, Array.from({length: shares[i]}, () => next++));
  });
  return {
    take: (host, count) => queues.get(host)?.splice(0, count) ?? [],
  };
}
