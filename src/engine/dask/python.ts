import type {HostShell} from '../../transport/shell.js';
import {findStackPython, minor, mismatchesOf, type PythonProblem, type PythonStack} from '../python/probe.js';

export type {PythonProblem} from '../python/probe.js';

/** What the dask engine needs of a Python, as it reports them. */
export interface PythonVersions {
  /** The interpreter, as found or as the inventory names it. */
  path: string;
  python: string;
  dask: string;
  distributed: string;
  sklearn: string;
}

export const INSTALL_COMMAND =
  'sudo apt install python3-sklearn python3-distributed (Debian, Raspberry Pi OS), or: python3 -m pip install scikit-learn distributed';

// Found and versioned without importing them: importing scikit-learn and distributed takes seconds on a small machine.
const DASK_STACK: PythonStack = {
  modules: 'sklearn and distributed',
  fields: ['python', 'dask', 'distributed', 'sklearn'],
  report: [
    'import importlib.util, json, sys',
    'from importlib.metadata import version',
    "missing = [m for m in ('dask', 'distributed', 'sklearn') if importlib.util.find_spec(m) is None]",
    "if missing: raise ModuleNotFoundError('No module named %r' % missing[0])",
    "print(json.dumps({'python': '%d.%d.%d' % sys.version_info[:3], 'dask': version('dask'), 'distributed': version('distributed'), 'sklearn': version('scikit-learn')}))",
  ].join('\n'),
};

/** The Python `named` (a host's `python` field), else the first python3 that imports scikit-learn and distributed. */
export async function findPython(shell: HostShell, named?: string): Promise<PythonVersions | PythonProblem> {
  return (await findStackPython(DASK_STACK, shell, named)) as PythonVersions | PythonProblem;
}

/** Dask refuses or misbehaves when the sides differ: Python's minor version, dask, distributed, scikit-learn. */
export function versionMismatches(coordinator: PythonVersions, host: PythonVersions): string[] {
  return mismatchesOf(coordinator, host, [
    ['Python', minor(host.python), minor(coordinator.python)],
    ['dask', host.dask, coordinator.dask],
    ['distributed', host.distributed, coordinator.distributed],
    ['scikit-learn', host.sklearn, coordinator.sklearn],
  ]);
}
