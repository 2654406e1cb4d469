import {lstatSync, readdirSync, readFileSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {writeWhole} from '../../src/files/write-whole.js';
import {folderWith} from '../helpers/files.js';

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
