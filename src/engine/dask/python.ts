import {describe} from '../../config/fields.js';
import {remoteCommand, shellQuote} from '../../text/shell-quote.js';
import {type HostShell, localShell} from '../../transport/shell.js';

/** What the dask engine needs of a Python, as it reports them. */
export interface PythonVersions {
  /** The interpreter, as found or as the inventory names it. */
  path: string;
  python: string;
  dask: string;
  distributed: string;
  sklearn: string;
}

/** Why a Python cannot serve: it is not there, or it lacks scikit-learn or dask/distributed. */
export type PythonProblem = {kind: 'not-found'; path: string} | {kind: 'missing-modules'; path: string; detail: string};

export const INSTALL_COMMAND =
  'sudo apt install python3-sklearn python3-distributed (Debian, Raspberry Pi OS), or: python3 -m pip install scikit-learn distributed';

const VERSION_FIELDS = ['python', 'dask', 'distributed', 'sklearn'] as const;
const MODULES_MISSING = 96;
const NOT_FOUND = 127;
// Found and versioned without importing them: importing scikit-learn and distributed takes seconds on a small machine.
const REPORT = [
  'import importlib.util, json, sys',
  'from importlib.metadata import version',
  "missing = [m for m in ('dask', 'distributed', 'sklearn') if importlib.util.find_spec(m) is None]",
  "if missing: raise ModuleNotFoundError('No module named %r' % missing[0])",
  "print(json.dumps({'python': '%d.%d.%d' % sys.version_info[:3], 'dask': version('dask'), 'distributed': version('distributed'), 'sklearn': version('scikit-learn')}))",
].join('\n');

// The PATH's python3s in order, then the system's: a pyenv or venv python3 often lacks them.
const SEARCH = [
  'IFS=:',
  `for d in $PATH /usr/bin /usr/local/bin; do p="$d/python3"; [ -x "$p" ] && out=$("$p" -c ${shellQuote(REPORT)} 2>/dev/null) && { echo "$p"; echo "$out"; exit 0; }; done`,
  `exit ${MODULES_MISSING}`,
].join('\n');

/** Each probe starts a Python, which takes a while on a small machine: local answers are kept. */
const localAnswers = new Map<string, Promise<PythonVersions | PythonProblem>>();

/** The Python `named` (a host's `python` field), else the first python3 that imports scikit-learn and distributed. */
export function findPython(shell: HostShell, named?: string): Promise<PythonVersions | PythonProblem> {
  if (shell !== localShell) return probe(shell, named);
  const key = named ?? '';
  if (!localAnswers.has(key)) localAnswers.set(key, probe(shell, named));
  return localAnswers.get(key)!;
}

async function probe(shell: HostShell, named?: string): Promise<PythonVersions | PythonProblem> {
  if (!named) {
    const found = await shell.run(SEARCH);
    if (found.code !== 0)
      return {
        kind: 'missing-modules',
        path: 'python3',
        detail: 'no python3 on the PATH (or /usr/bin, /usr/local/bin) imports sklearn and distributed',
      };
    // The path, then the report: the last two lines, whatever came before them.
    const lines = found.stdout.trim().split('\n');
    return parseReport(lines.at(-2) ?? 'python3', lines.at(-1) ?? '');
  }
  const answer = await shell.run(
    `command -v ${shellQuote(named)} >/dev/null 2>&1 || exit ${NOT_FOUND}; ${remoteCommand([named, '-c', REPORT])}`,
  );
  if (answer.code === NOT_FOUND) return {kind: 'not-found', path: named};
  if (answer.code !== 0)
    return {
      kind: 'missing-modules',
      path: named,
      detail: answer.stderr.trim().split('\n').at(-1) ?? `exit ${answer.code}`,
    };
  return parseReport(named, answer.stdout.trim().split('\n').at(-1) ?? '');
}

/** The report's versions; a line that is not the report says so, never as an internal error. */
function parseReport(path: string, line: string): PythonVersions | PythonProblem {
  try {
    const versions = JSON.parse(line) as Omit<PythonVersions, 'path'>;
    if (VERSION_FIELDS.every((field) => typeof versions?.[field] === 'string')) return {path, ...versions};
  } catch {
    // Not JSON: said below.
  }
  return {kind: 'missing-modules', path, detail: `its answer was not the versions report: ${describe(line)}`};
}
/** Dask refuses or misbehaves when the sides differ: Python's minor version, dask, distributed, scikit-learn. */
export function versionMismatches(coordinator: PythonVersions, host: PythonVersions): string[] {
  const minor = (version: string) => version.split('.').slice(0, 2).join('.');
  const pairs: [string, string, string][] = [
    ['Python', minor(host.python), minor(coordinator.python)],
    ['dask', host.dask, coordinator.dask],
    ['distributed', host.distributed, coordinator.distributed],
    ['scikit-learn', host.sklearn, coordinator.sklearn],
  ];
  return pairs
    .filter(([, here, there]) => here !== there)
    .map(
      ([name, here, there]) =>
        `${name} ${here} (${host.path}) against ${there} on the coordinator (${coordinator.path})`,
    );
}
