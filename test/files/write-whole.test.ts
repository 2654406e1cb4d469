import {chmodSync, existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {InputError} from '../../src/errors.js';
import {createExclusive, replaceWhole, writeWhole} from '../../src/files/write-whole.js';
import {folderWith} from '../helpers/files.js';
import {OTHER_UID, plantLink, sharedFolder} from '../helpers/shared-folder.js';

test('a regular file is replaced whole, and no temporary file is left', (t) => {
  const folder = folderWith({'out.csv': 'old'});
  writeWhole(join(folder, 'out.csv'), 'new');
  t.is(readFileSync(join(folder, 'out.csv'), 'utf8'), 'new');
  t.deepEqual(readdirSync(folder), ['out.csv']);
});

test('a symlink is written through, not replaced by a file', (t) => {
  const folder = folderWith({'target.csv': 'old'});
  symlinkSync('target.csv', join(folder, 'link.csv'));
  writeWhole(join(folder, 'link.csv'), 'new');
  t.true(lstatSync(join(folder, 'link.csv')).isSymbolicLink());
  t.is(readFileSync(join(folder, 'target.csv'), 'utf8'), 'new');
});

test('a device is written to, not replaced by a file', (t) => {
  writeWhole('/dev/null', 'into the void');
  t.true(lstatSync('/dev/null').isCharacterDevice());
});

test('a FIFO is written through to its reader', async (t) => {
  const fifo = join(folderWith(), 'fifo');
  await execa('mkfifo', [fifo]);
  const reader = execa('cat', [fifo]);
  writeWhole(fifo, 'through the pipe');
  t.is((await reader).stdout, 'through the pipe');
  t.true(lstatSync(fifo).isFIFO());
});

test('a new file gets the usual mode (0666 less the umask), a replaced one keeps its own', (t) => {
  const folder = folderWith({'kept.csv': 'old'});
  chmodSync(join(folder, 'kept.csv'), 0o640);
  writeWhole(join(folder, 'kept.csv'), 'new');
  writeWhole(join(folder, 'new.csv'), 'new');
  t.is(statSync(join(folder, 'kept.csv')).mode & 0o777, 0o640);
  t.is(statSync(join(folder, 'new.csv')).mode & 0o777, 0o666 & ~process.umask());
});

test('in a shared folder, a link planted at the old pid-named draft is not written through, and no other name is left', (t) => {
  const {shared, victim} = sharedFolder();
  const planted = join(shared, `out.csv.tmp-${process.pid}`);
  plantLink(victim, planted);
  writeWhole(join(shared, 'out.csv'), 'new');
  t.is(readFileSync(victim, 'utf8'), 'precious\n');
  t.is(readFileSync(join(shared, 'out.csv'), 'utf8'), 'new');
  t.true(lstatSync(planted).isSymbolicLink());
  t.deepEqual(readdirSync(shared).sort(), ['out.csv', `out.csv.tmp-${process.pid}`]);
});

test('a link another user owns is refused, at any hop of a chain of links, and its target is untouched', (t) => {
  const {folder, shared, victim} = sharedFolder();
  plantLink(victim, join(shared, 'theirs.csv'));
  symlinkSync(join(shared, 'theirs.csv'), join(folder, 'mine.csv'));
  for (const path of [join(shared, 'theirs.csv'), join(folder, 'mine.csv')]) {
    const error = t.throws(() => writeWhole(path, 'new'), {instanceOf: InputError});
    t.is(
      error?.message,
      `${path}: '${path === join(folder, 'mine.csv') ? join(shared, 'theirs.csv') : path}' is a symbolic link (to ${victim}) owned by another user (uid ${OTHER_UID}): writing through it would overwrite whatever file they chose (remove the link, or name a file in a folder only you can write)`,
    );
  }
  t.is(readFileSync(victim, 'utf8'), 'precious\n');
});

test('replaceWhole replaces a link itself, never its target; createExclusive refuses anything at the name, a dangling link included', (t) => {
  const folder = folderWith({'target.csv': 'old'});
  symlinkSync('target.csv', join(folder, 'link.csv'));
  replaceWhole(join(folder, 'link.csv'), 'new');
  t.true(lstatSync(join(folder, 'link.csv')).isFile());
  t.is(readFileSync(join(folder, 'target.csv'), 'utf8'), 'old');
  symlinkSync('missing.csv', join(folder, 'dangling.csv'));
  t.throws(() => createExclusive(join(folder, 'dangling.csv'), 'new'), {code: 'EEXIST'});
  t.false(existsSync(join(folder, 'missing.csv')));
  createExclusive(join(folder, 'fresh.csv'), 'new');
  t.is(readFileSync(join(folder, 'fresh.csv'), 'utf8'), 'new');
  t.deepEqual(readdirSync(folder).sort(), ['dangling.csv', 'fresh.csv', 'link.csv', 'target.csv']);
});
