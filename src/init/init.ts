import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {availableParallelism, cpus} from 'node:os';
import {dirname, join} from 'node:path';
import {INVENTORY_NAMES} from '../config/ansible.js';
import {InputError} from '../errors.js';
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
 * is an error, so a second init says why it did nothing.
 */
export function initFolder(folder: string, options: {force?: boolean} = {}): InitResult {
  const machine = cpus()[0]?.model.trim() || 'this machine';
  const files: Record<string, string> = {
    'inventory.yaml': inventoryTemplate(availableParallelism(), machine),
    'experiments/local.yaml': EXPERIMENT_TEMPLATE,
  };
  const result: InitResult = {written: [], kept: []};
  for (const [name, text] of Object.entries(files)) {
    // An inventory under another of its usual names (hosts.yml, ...) is the one commands will read.
    const existing = (name === 'inventory.yaml' ? INVENTORY_NAMES : [name]).find((candidate) => existsSync(join(folder, candidate)));
    if (existing && !options.force) {
      result.kept.push(existing);
      continue;
    }
    const path = join(folder, name);
    try {
      mkdirSync(dirname(path), {recursive: true});
      writeFileSync(path, text);
    } catch (error) {
      throw new InputError({file: path, problem: `cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, fix: 'choose a folder you can write to: cluster init DIR'});
    }
    result.written.push(name);
  }
  if (result.written.length === 0) {
    throw new InputError({file: 'cluster init', problem: `${result.kept.join(' and ')} already exist; nothing written`, fix: 'pass --force to overwrite them'});
  }
  return result;
}
