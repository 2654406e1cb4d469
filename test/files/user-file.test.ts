import {mkdirSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {readConfigText} from '../../src/config/yaml-source.js';
import {loadCsvDataset} from '../../src/data/csv.js';
import {InputError} from '../../src/errors.js';
import {userFileError} from '../../src/files/user-file.js';
import {loadModel} from '../../src/forest/model-file.js';
import {folderWith} from '../helpers/files.js';

const errno = (code: string) => Object.assign(new Error(code), {code});
const worded = (code: string) => (userFileError(errno(code), 'f', 'data file', 'check the path') as Error).message;

test('a missing file, a folder, no permission and any other code, worded alike', (t) => {
  t.is(worded('ENOENT'), 'f: data file not found (check the path)');
  t.is(worded('EISDIR'), 'f: data file is a folder (check the path)');
  t.is(
    worded('EACCES'),
    'f: permission denied reading data file (check the permissions of the file and of its folders, or name another file)',
  );
  t.is(worded('EIO'), 'f: cannot read data file (EIO) (check the path)');
});

test('input errors and errors that are not the file system pass as they are', (t) => {
  const input = new InputError({file: 'f', problem: 'not UTF-8'});
  const bug = new TypeError('x is undefined');
  t.is(userFileError(input, 'f', 'data file', 'fix'), input);
  t.is(userFileError(bug, 'f', 'data file', 'fix'), bug);
});

test('every reader says a folder is a folder', (t) => {
  const folder = folderWith();
  const dir = join(folder, 'dir');
  mkdirSync(dir);
  t.throws(() => loadCsvDataset(dir, 'label'), {
    instanceOf: InputError,
    message: `${dir}: data file is a folder (check the path)`,
  });
  t.throws(() => loadModel(dir), {
    instanceOf: InputError,
    message: `${dir}: model file is a folder (train one with cluster train --out FILE)`,
  });
  t.throws(() => readConfigText(dir, 'inventory file', 'pass --inventory FILE'), {
    instanceOf: InputError,
    message: `${dir}: inventory file is a folder (pass --inventory FILE)`,
  });
});
