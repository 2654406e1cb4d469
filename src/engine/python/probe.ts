import type {Host, Inventory} from '../../config/inventory.js';
import {HostError} from '../../errors.js';
import {describe} from '../../config/fields.js';
import {remoteCommand, shellQuote} from '../../text/shell-quote.js';
import {type HostShell, localShell} from '../../transport/shell.js';

/**
 * What a Python engine needs of an interpreter: the modules it imports, and a script that prints
 * one JSON line of their versions (without importing what it need not: imports take seconds on a Pi).
 */
export interface PythonStack {
  /** For messages: "sklearn and distributed". */
  modules: string;
  /** Prints the versions report, or fails. */
  report: string;
  /** The report's fields, each a string. */
  fields: readonly string[];
}

/** A found interpreter's report, with where it is. */
export type PythonReport = {path: string} & Record<string, string>;

/** Why a Python cannot serve: it is not there, or it lacks the stack's modules. */
export type PythonProblem = {kind: 'not-found'; path: string} | {kind: 'missing-modules'; path: string; detail: string};

const MODULES_MISSING = 96;
const NOT_FOUND = 127;

/** The PATH's python3s in order, then the system's: a pyenv or venv python3 often lacks the modules. */
function searchScript(stack: PythonStack): string {
  return [
    'IFS=:',
    `for d in $PATH /usr/bin /usr/local/bin; do p="$d/python3"; [ -x "$p" ] && out=$("$p" -c ${shellQuote(stack.report)} 2>/dev/null) && { echo "$p"; echo "$out"; exit 0; }; done`,
    `exit ${MODULES_MISSING}`,
  ].join('\n');
}

/** Each probe starts a Python, which takes a while on a small machine: local answers are kept, per stack. */
const localAnswers = new Map<string, Promise<PythonReport | PythonProblem>>();

/** The Python `named` (a host's `python` field), else the first python3 that imports the stack's modules. */
export function findStackPython(
  stack: PythonStack,
  shell: HostShell,
  named?: string,
): Promise<PythonReport | PythonProblem> {
  if (shell !== localShell) return probe(stack, shell, named);
  const key = `${stack.report}\0${named ?? ''}`;
  if (!localAnswers.has(key)) localAnswers.set(key, probe(stack, shell, named));
  return localAnswers.get(key)!;
}

async function probe(stack: PythonStack, shell: HostShell, named?: string): Promise<PythonReport | PythonProblem> {
  if (!named) {
    const found = await shell.run(searchScript(stack));
    if (found.code !== 0)
      return {
        kind: 'missing-modules',
        path: 'python3',
        detail: `no python3 on the PATH (or /usr/bin, /usr/local/bin) imports ${stack.modules}`,
      };
    // The path, then the report: the last two lines, whatever came before them.
    const lines = found.stdout.trim().split('\n');
    return parseReport(stack, lines.at(-2) ?? 'python3', lines.at(-1) ?? '');
  }
  const answer = await shell.run(
    `command -v ${shellQuote(named)} >/dev/null 2>&1 || exit ${NOT_FOUND}; ${remoteCommand([named, '-c', stack.report])}`,
  );
  if (answer.code === NOT_FOUND) return {kind: 'not-found', path: named};
  if (answer.code !== 0)
    return {
      kind: 'missing-modules',
      path: named,
      detail: answer.stderr.trim().split('\n').at(-1) ?? `exit ${answer.code}`,
    };
  return parseReport(stack, named, answer.stdout.trim().split('\n').at(-1) ?? '');
}

/** The report's versions; a line that is not the report says so, never as an internal error. */
function parseReport(stack: PythonStack, path: string, line: string): PythonReport | PythonProblem {
  try {
    const versions = JSON.parse(line) as Record<string, unknown>;
    if (stack.fields.every((field) => typeof versions?.[field] === 'string'))
      return {...(versions as Record<string, string>), path};
  } catch {
    // Not JSON: said below.
  }
  return {kind: 'missing-modules', path, detail: `its answer was not the versions report: ${describe(line)}`};
}

/** "3.11.2" as "3.11": what must agree across hosts. */
export function minor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** Each pair that differs, naming both sides. */
export function mismatchesOf(
  coordinator: {path: string},
  host: {path: string},
  pairs: [name: string, here: string, there: string][],
): string[] {
  return pairs
    .filter(([, here, there]) => here !== there)
    .map(
      ([name, here, there]) =>
        `${name} ${here} (${host.path}) against ${there} on the coordinator (${coordinator.path})`,
    );
}

/** What a refusal names: the engine, the modules it imports, and the command that installs them. */
export interface StackNeeds {
  engine: string;
  /** As the search names them: "sklearn and distributed". */
  modules: string;
  /** As a user installs them: "scikit-learn and dask/distributed". */
  packages: string;
  install: string;
  /** The host error's reason when the modules are missing. */
  missingReason: string;
}

/**
 * A found Python, or the refusal: a Python the inventory names that is not there is bad input (its
 * line); one that lacks the modules is the host's to fix, with the command that installs them.
 */
export function usablePython<T extends object>(
  inventory: Inventory,
  host: Host | undefined,
  found: T | PythonProblem,
  needs: StackNeeds,
): T {
  if (!('kind' in found)) return found;
  if (found.kind === 'not-found') {
    const path = host
      ? inventory.source.lineOf(['hosts', host.name, 'python']) === undefined
        ? ['defaults', 'python']
        : ['hosts', host.name, 'python']
      : ['python'];
    throw inventory.source.error(
      path,
      `python '${found.path}' is not there${host ? ` on ${host.name}` : ''}`,
      `name an installed python3, or remove python: to use the first python3 that imports ${needs.modules}`,
    );
  }
  throw new HostError(
    host?.name ?? 'coordinator',
    `${found.path} cannot run the ${needs.engine} engine (${found.detail}); install ${needs.packages}: ${needs.install}`,
    '',
    needs.missingReason,
  );
}
