import {InputError} from '../errors.js';

/**
 * A file-system error met reading a user's file (an inventory, a CSV, a model), worded the same for
 * every reader: `what` names the file's role ("data file"), `fix` what to do when it is missing or
 * unreadable. InputErrors (too large, not UTF-8, a pipe) and errors that are not the file system's
 * (a bug) are returned as they are.
 */
export function userFileError(error: unknown, file: string, what: string, fix: string): unknown {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  switch (code) {
    case 'ENOENT':
      return new InputError({file, problem: `${what} not found`, fix});
    case 'EISDIR':
      return new InputError({file, problem: `${what} is a folder`, fix});
    case 'EACCES':
      return new InputError({
        file,
        problem: `permission denied reading ${what}`,
        fix: 'check the permissions of the file and of its folders, or name another file',
      });
    default:
      return new InputError({file, problem: `cannot read ${what} (${code})`, fix});
  }
}
