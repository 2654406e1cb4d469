import {InputError} from '../errors.js';
import {checkHostsExist, type Experiment} from './experiment.js';
import type {Host, Inventory} from './inventory.js';

/**
 * The experiment with the combinations a sweep runs: its own, keeping only those made of `selected`
 * hosts when --hosts chose some; or, when it lists none, one host, then two, ... up to all of them
 * in inventory order, so an experiment written for one cluster runs on any other.
 */
export function combinationsFor(experiment: Experiment, inventory: Inventory, selected?: Host[]): Experiment {
  const hosts = (selected ?? [...inventory.hosts.values()]).map((host) => host.name);
  if (experiment.combinations.length === 0) {
    return {...experiment, combinations: hosts.map((_, i) => hosts.slice(0, i + 1)), baseline: 0};
  }
  checkHostsExist(experiment, inventory);
  if (!selected) return experiment;
  const kept = experiment.combinations.filter((combination) => combination.every((host) => hosts.includes(host)));
  if (kept.length === 0) {
    throw new InputError({
      file: '--hosts',
      problem: `no combination of ${experiment.file} is made only of ${hosts.join(', ')}`,
      fix: `its combinations use ${[...new Set(experiment.combinations.flat())].join(', ')}; name some of those, or leave out --hosts`,
    });
  }
  const baseline = kept.indexOf(experiment.combinations[experiment.baseline]);
  return {...experiment, combinations: kept, baseline: Math.max(baseline, 0)};
}
