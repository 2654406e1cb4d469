import {accessSync, constants, existsSync, realpathSync, statSync} from 'node:fs';
import {basename, dirname, join, resolve} from 'node:path';
import {lockFileFor} from './journal-lock.js';
import {Journal} from './journal.js';
import {InputError} from '../errors.js';
import {checkOutputPath, specialFileKind} from '../files/output-path.js';
import {plainNameProblem} from '../files/plain-name.js';
import {checkNotAnInput, type NamedFile, sameFile} from '../files/same-file.js';
import {type ExportFlags, labelledPath, resultFiles} from '../report/exporters.js';

/**
 * Refuses, before anything runs, exports that would overwrite each other or what the sweep keeps:
 * `--export-csv x.csv --export-json x.csv` left x.csv holding the JSON, the CSV silently lost; an
 * export onto a journal (results/*.jsonl) or lock would destroy the runs a `--resume` needs.
 */
export function checkExportPaths(exports: ExportFlags, resultsDir: string, resume?: string): void {
  const given = Object.entries(exports).filter((entry): entry is [string, string] => entry[1] !== undefined);
  for (const [flag, path] of given) {
    checkOutputPath(path, `--${flag}`);
    checkExportPlace(path, `--${flag}`);
  }
  const taken = new Map<string, string>();
  for (const [flag, path] of given) {
    const key = fileKey(path);
    const other = taken.get(key);
    // A device or FIFO (/dev/null, /dev/stdout) is written through, not replaced: exports may share it.
    if (other !== undefined && !specialFileKind(path))
      throw new InputError({
        file: `--${flag}`,
        problem: `'${path}' is the file ${other} writes too: one would overwrite the other`,
        fix: 'give each export a file of its own',
      });
    taken.set(key, `--${flag}`);
  }
  const kept = keptBySweep(resultsDir, resume);
  for (const [flag, path] of given) {
    const what = keptAs(kept, path) ?? journalOrLock(path, resultsDir);
    if (what)
      throw new InputError({
        file: `--${flag}`,
        problem: `'${path}' is ${what}, which no export may replace`,
        fix: `name a file outside what the sweep keeps in ${resultsDir}`,
      });
  }
}

/**
 * Refuses, as train's --out is, an export that cannot be written: a folder at its name, a file where
 * a folder of its path would be made, a folder we may not write in. Found after the sweep, the
 * sweep's time was spent for a message. A device (/dev/null) is written through, and left to the write.
 */
function checkExportPlace(path: string, flag: string): void {
  if (specialFileKind(path)) return;
  if (isFolder(path)) throw new InputError({file: flag, problem: `'${path}' is a folder`, fix: 'name a file in it'});
  // A missing folder is made for the export: what must be right is the nearest one that exists.
  let folder = dirname(path);
  while (!existsSync(folder)) folder = dirname(folder);
  if (!isFolder(folder))
    throw new InputError({
      file: flag,
      problem: `'${folder}' is a file, where '${path}' needs a folder`,
      fix: 'choose another path',
    });
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new InputError({
      file: flag,
      problem: `cannot write in '${folder}' (${(error as NodeJS.ErrnoException).code})`,
      fix: 'choose a folder you can write in',
    });
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** With --resume the id is known: its journal, lock and result files, each with what it is. */
function keptBySweep(resultsDir: string, resume: string | undefined): Map<string, string> {
  const kept = new Map<string, string>();
  if (resume === undefined) return kept;
  const journal = Journal.fileFor(resultsDir, resume);
  kept.set(fileKey(journal), "the sweep's journal");
  kept.set(fileKey(lockFileFor(journal)), "the sweep's lock");
  const id = basename(journal, '.jsonl');
  // A journal under a name no id may have is refused when it is read.
  if (plainNameProblem(id)) return kept;
  for (const file of Object.values(resultFiles(resultsDir, id)))
    kept.set(fileKey(file), 'a file the sweep itself writes (it is saved there anyway)');
  return kept;
}

/**
 * Refuses, before any run, an export that is a file the bench reads (the experiment, the inventory,
 * the data CSV) however it is reached: the sweep would end by replacing its own input (the journal
 * is checkExportPaths'). With several engines the exports are t-native.csv, t-dask.csv, ...
 */
export function checkExportsAreNotInputs(
  exports: ExportFlags,
  inputs: readonly NamedFile[],
  engines: readonly string[],
): void {
  const outputs: NamedFile[] = [];
  for (const [flag, path] of Object.entries(exports)) {
    if (path === undefined) continue;
    if (engines.length > 1)
      outputs.push(...engines.map((engine) => ({flag: `--${flag}`, path: labelledPath(path, engine)})));
    else outputs.push({flag: `--${flag}`, path});
  }
  for (const output of outputs) checkNotAnInput(output, inputs);
}

/** What the sweep keeps at `path`, by its name or by its inode (a hard link to the journal). */
function keptAs(kept: Map<string, string>, path: string): string | undefined {
  return kept.get(fileKey(path)) ?? [...kept].find(([file]) => sameFile(file, path))?.[1];
}

/** A fresh sweep's id is not known yet, but any journal or lock in the results folder is another sweep's. */
function journalOrLock(path: string, resultsDir: string): string | undefined {
  if (fileKey(dirname(path)) !== fileKey(resultsDir)) return undefined;
  if (path.endsWith('.jsonl')) return "named as a sweep's journal (*.jsonl) in the results folder";
  if (path.endsWith('.lock')) return "named as a sweep's lock (*.lock) in the results folder";
  return undefined;
}

/** The same file however it is named (`x.csv`, `./x.csv`, through a linked folder), as far as it can be told before it exists. */
function fileKey(path: string): string {
  const absolute = resolve(path);
  for (const real of [() => realpathSync(absolute), () => join(realpathSync(dirname(absolute)), basename(absolute))]) {
    try {
      return real();
    } catch {
      // Not there yet: try its folder, else take the path as written.
    }
  }
  return absolute;
}
