import {InputError} from '../errors.js';

/** What trains: the toolkit's own workers; scikit-learn through Dask (forests); PyTorch's DistributedDataParallel (networks). */
export const ENGINE_NAMES = ['native', 'dask', 'torch'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** "native,dask" as engine names, each known and named once. */
export function parseEngines(text: string): EngineName[] {
  const names = text.split(',').map((part) => part.trim());
  for (const name of names) {
    if (!ENGINE_NAMES.includes(name as EngineName))
      throw new InputError({
        file: '--engine',
        problem: `unknown engine '${name}'`,
        fix: `use one of: ${ENGINE_NAMES.join(', ')}, or several separated by commas`,
      });
  }
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated)
    throw new InputError({
      file: '--engine',
      problem: `engine '${repeated}' is named twice`,
      fix: 'name each engine once',
    });
  return names as EngineName[];
}
