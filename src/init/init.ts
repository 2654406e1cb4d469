import {existsSync, lstatSync, mkdirSync, readlinkSync, statSync, type Stats} from 'node:fs';
import {availableParallelism, cpus} from 'node:os';
import {dirname, join} from 'node:path';
import {INVENTORY_NAMES} from '../config/ansible.js';
import {InputError} from '../errors.js';
import {createExclusive, replaceWhole} from '../files/write-whole.js';
import {EXPERIMENT_TEMPLATE, inventoryTemplate} from './templates.js';

export interface InitResult {
  /** Files written, relative to the folder. */
  written: string[];
  /** Files that were there already and were left alone. */
  kept: string[];
}

/**
 * Writes inventory.yaml and experiments/local.yaml into `folder`. An existing file is kept unless
 * `force`, so a user's own inventory survives `cluster init`; when nothing is left to write, that
 * is an error, so a second init says why it did nothing. Nothing is written through a link: a
 * dangling one is refused (its target would be created), and `force` replaces a link, not its target.
 */
export function initFolder(folder: string, options: {force?: boolean} = {}): InitResult {
  const machine = cpus()[0]?.model.trim() || 'this machine';
  const files: Record<string, string> = {
    'inventory.yaml': inventoryTemplate(availableParallelism(), machine),
    'experiments/local.yaml': EXPERIMENT_TEMPLATE,
  };
  // An inventory under another of its usual names (hosts.yml, ...) is the one commands will read.
  const existing = (name: string) =>
    (name === 'inventory.yaml' ? INVENTORY_NAMES : [name]).find((candidate) => existsSync(join(folder, candidate)));
  const plan = Object.entries(files).map(([name, text]) => ({
    name,
    text,
    kept: options.force ? undefined : existing(name),
  }));
  // Every name checked before anything is written: a refusal leaves the folder as it was.
  for (const {name, kept} of plan) checkName(folder, kept ?? name, {force: options.force === true, writes: !kept});
  const result: InitResult = {written: [], kept: []};
  for (const {name, text, kept} of plan) {
    if (kept) {
      result.kept.push(kept);
      continue;
    }
    const path = join(folder, name);
    try {
      mkdirSync(dirname(path), {recursive: true});
      if (options.force) replaceWhole(path, text);
      else createExclusive(path, text);
    } catch (error) {
      throw new InputError({
        file: path,
        problem: `cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        fix: 'choose a folder you can write to: cluster init DIR',
      });
    }
    result.written.push(name);
  }
  if (result.written.length === 0) {
    throw new InputError({
      file: 'cluster init',
      problem: `${result.kept.join(' and ')} already exist; nothing written`,
      fix: 'pass --force to overwrite them',
    });
  }
  return result;
}

/**
 * Refuses a folder at a file's name and, for a file init is about to write, a link at the folder
 * it makes (experiments/) and, without --force, a dangling link at its name (writing would create
 * the target wherever it points). A link to a file is kept like a file; --force replaces the link.
 */
function checkName(folder: string, name: string, {force, writes}: {force: boolean; writes: boolean}): void {
  const path = join(folder, name);
  const stats = lstatOf(path);
  // Kept or not: commands would read the folder as the file.
  if (stats?.isDirectory())
    throw new InputError({
      file: path,
      problem: 'is a folder, where init writes a file',
      fix: 'move the folder away, or run cluster init in another folder',
    });
  // Without --force a link is kept or refused, so what it leads to counts: a folder as a folder is.
  if (stats?.isSymbolicLink() && !force) checkLinkEnd(path);
  if (!writes) return;
  const parent = dirname(name);
  if (parent !== '.' && lstatOf(join(folder, parent))?.isSymbolicLink()) {
    throw linkRefused(
      join(folder, parent),
      ': init makes this folder itself, and writes nothing through a link',
      'remove the link, or run cluster init in another folder',
    );
  }
  if (stats?.isSymbolicLink() && !force) {
    throw linkRefused(
      path,
      ', which does not exist: writing the file would create it there',
      'remove the link, or pass --force to replace the link itself with a new file',
    );
  }
}

/** Refuses a link that ends at a folder, or in a loop of links (which existsSync calls missing). */
function checkLinkEnd(path: string): void {
  try {
    if (statSync(path).isDirectory())
      throw linkRefused(
        path,
        ', a folder, where init writes a file',
        'remove the link, or run cluster init in another folder',
      );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw linkRefused(
        path,
        ': a loop of links, which leads to no file',
        'remove the link, or pass --force to replace the link itself with a new file',
      );
    if (error instanceof InputError) throw error;
  }
}

function linkRefused(path: string, why: string, fix: string): InputError {
  return new InputError({file: path, problem: `is a symbolic link to ${readlinkSync(path)}${why}`, fix});
}

function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
