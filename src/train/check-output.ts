import {accessSync, constants, statSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {InputError} from '../errors.js';
import {checkOutputPath} from '../files/output-path.js';

/** Refuses an output path that cannot be written, before the work whose result it would hold is done. */
export function checkOutputFile(file: string, flag: string): void {
  checkOutputPath(file, flag);
  const folder = dirname(resolve(file));
  const kind = (path: string) => {
    try {
      return statSync(path).isDirectory() ? 'folder' : 'file';
    } catch {
      return 'missing';
    }
  };
  if (kind(folder) !== 'folder')
    throw new InputError({
      file: flag,
      problem: `the folder of '${file}' does not exist`,
      fix: `create ${dirname(file)} first, or choose another path`,
    });
  if (kind(file) === 'folder')
    throw new InputError({file: flag, problem: `'${file}' is a folder`, fix: 'name a file in it'});
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new InputError({
      file: flag,
      problem: `cannot write in the folder of '${file}' (permission denied)`,
      fix: 'choose a folder you may write in',
    });
  }
}
