import {execFileSync} from 'node:child_process';
import {readFileSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {readCache, writeCache} from '../../src/bench/calibrate.js';
import {folderWith} from '../helpers/files.js';

// The calibration cache is ours, but it lies in the user's home: edited, cut short or replaced, it
// costs a calibration, never a wrong speed in a table or a hang.
test('only speeds are read from the cache: text, zero, negative and infinite figures are measured again', (t) => {
  const folder = folderWith({'calibration.json': JSON.stringify({a: 12.5, b: 'fast', c: 0, d: -3, e: null, f: 'Infinity'})});
  t.deepEqual(readCache(join(folder, 'calibration.json')), {a: 12.5});
});

test('a cache cut short, not an object, a pipe or an endless device is empty, read without waiting', (t) => {
  const folder = folderWith({'cut.json': '{"a": 12', 'list.json': '[1, 2]'});
  execFileSync('mkfifo', [join(folder, 'fifo.json')]);
  symlinkSync('/dev/zero', join(folder, 'zero.json'));
  for (const name of ['cut.json', 'list.json', 'fifo.json', 'zero.json', 'missing.json']) t.deepEqual(readCache(join(folder, name)), {}, name);
});

test('the cache is written whole, and not through a pipe nobody reads', (t) => {
  const folder = folderWith();
  writeCache(join(folder, 'calibration.json'), {a: 2});
  t.deepEqual(JSON.parse(readFileSync(join(folder, 'calibration.json'), 'utf8')), {a: 2});
  execFileSync('mkfifo', [join(folder, 'fifo.json')]);
  // Opening a FIFO to write waits for a reader: had it been opened, this test would never end.
  writeCache(join(folder, 'fifo.json'), {a: 2});
  t.pass('returned');
});
