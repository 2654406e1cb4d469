import type {Host, Inventory} from '../../config/inventory.js';
import type {HostShell} from '../../transport/shell.js';
import {findStackPython, type PythonProblem, type PythonStack, usablePython} from '../python/probe.js';

/** What the torch engine needs of a Python, as it reports them. */
export interface TorchPython {
  /** The interpreter, as found or as the inventory names it. */
  path: string;
  python: string;
  torch: string;
  numpy: string;
}

export const TORCH_INSTALL =
  'sudo apt install python3-torch (Debian 12, Raspberry Pi OS 64-bit), or: python3 -m pip install torch';

// Importing torch takes a second or two (minutes on a lab host at a few percent of a core), but only
// an import tells whether this build has gloo, which DistributedDataParallel on CPUs needs.
const TORCH_STACK: PythonStack = {
  modules: 'torch with gloo',
  fields: ['python', 'torch', 'numpy'],
  report: [
    'import json, sys',
    'import numpy, torch, torch.distributed as d',
    "if not (d.is_available() and d.is_gloo_available()): raise ImportError('torch %s was built without gloo' % torch.__version__)",
    "print(json.dumps({'python': '%d.%d.%d' % sys.version_info[:3], 'torch': torch.__version__, 'numpy': numpy.__version__}))",
  ].join('\n'),
};

// For `cluster status`, which must stay quick on every call: found and versioned without importing torch.
const TORCH_QUICK_STACK: PythonStack = {
  modules: 'torch',
  fields: ['python', 'torch', 'numpy'],
  report: [
    'import importlib.util, json, sys',
    'from importlib.metadata import version',
    "missing = [m for m in ('torch', 'numpy') if importlib.util.find_spec(m) is None]",
    "if missing: raise ModuleNotFoundError('No module named %r' % missing[0])",
    "print(json.dumps({'python': '%d.%d.%d' % sys.version_info[:3], 'torch': version('torch'), 'numpy': version('numpy')}))",
  ].join('\n'),
};

/**
 * The Python `named` (a host's `python` field), else the first python3 that imports torch with
 * gloo; `quick` finds torch without importing it, and so cannot tell whether it has gloo.
 */
export async function findTorchPython(
  shell: HostShell,
  named?: string,
  quick = false,
): Promise<TorchPython | PythonProblem> {
  return (await findStackPython(quick ? TORCH_QUICK_STACK : TORCH_STACK, shell, named)) as TorchPython | PythonProblem;
}

/** Gloo's wire format and DDP's bucketing change between torch releases: every host must run the same one. */
export function torchMismatch(
  first: {name: string; python: TorchPython},
  other: {name: string; python: TorchPython},
): string | undefined {
  if (first.python.torch === other.python.torch) return undefined;
  return `torch ${other.python.torch} (${other.python.path}) against ${first.python.torch} on ${first.name} (${first.python.path})`;
}

/** Refuses a Python that is not there (bad input: the inventory names it) or lacks torch (the host needs it installed). */
export function usableTorch(
  inventory: Inventory,
  host: Host | undefined,
  found: TorchPython | PythonProblem,
): TorchPython {
  return usablePython(inventory, host, found, {
    engine: 'torch',
    modules: 'torch',
    packages: 'PyTorch',
    install: TORCH_INSTALL,
    missingReason: 'torch-missing',
  });
}
