import {execFileSync} from 'node:child_process';
import {readFileSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {
  calibrationKey,
  dropCalibrations,
  readCache,
  saveCalibrations,
  writeCache,
} from '../../../src/engine/native/calibration-cache.js';
import type {Host} from '../../../src/config/inventory.js';
import type {TreeOptions} from '../../../src/forest/trainer.js';
import type {MachineIdentity} from '../../../src/protocol/messages.js';
import {folderWith} from '../../helpers/files.js';

// The calibration cache is ours, but it lies in the user's home: edited, cut short or replaced, it
// costs a calibration, never a wrong speed in a table or a hang.
test('only speeds are read from the cache: text, zero, negative and infinite figures are measured again', (t) => {
  const folder = folderWith({
    'calibration.json': JSON.stringify({a: 12.5, b: 'fast', c: 0, d: -3, e: null, f: 'Infinity'}),
  });
  t.deepEqual(readCache(join(folder, 'calibration.json')), {a: 12.5});
});

test('a cache cut short, not an object, a pipe or an endless device is empty, read without waiting', (t) => {
  const folder = folderWith({'cut.json': '{"a": 12', 'list.json': '[1, 2]'});
  execFileSync('mkfifo', [join(folder, 'fifo.json')]);
  symlinkSync('/dev/zero', join(folder, 'zero.json'));
  for (const name of ['cut.json', 'list.json', 'fifo.json', 'zero.json', 'missing.json'])
    t.deepEqual(readCache(join(folder, name)), {}, name);
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

const host: Host = {name: 'pi1', transport: 'ssh', cores: 4, labels: []};
const machine: MachineIdentity = {
  bootId: 'b1',
  cpuModel: 'Cortex-A72',
  cpus: 4,
  available: 4,
  cpuQuota: null,
  arch: 'arm64',
  node: 'v20.20.2',
};
const options: TreeOptions = {trainer: 'native', maxFeatures: 'sqrt'};
const key = (changes: Partial<MachineIdentity>, h: Host = host) =>
  calibrationKey(h, {...machine, ...changes}, 'data', options);

// The same host name is not the same machine: a lab host rebuilt at another cpu: kept its old speed.
const notAHit = test.macro({
  exec: (t, changes: Partial<MachineIdentity>) => t.not(key(changes), key({})),
  title: (what = '') => `the same host name ${what} is not a cache hit`,
});
test('under a cgroup quota', notAHit, {cpuQuota: 0.1});
test('under another quota', notAHit, {cpuQuota: 0.5});
test('after a reboot or a rebuild (another boot id)', notAHit, {bootId: 'b2'});
test('on other CPUs', notAHit, {cpuModel: 'Cortex-A76'});
test('with fewer CPUs', notAHit, {cpus: 2, available: 2});
test('pinned to fewer CPUs', notAHit, {available: 2});
test('on another Node.js', notAHit, {node: 'v22.1.0'});
test('on another architecture', notAHit, {arch: 'x64'});

test('the same machine under the same limits is the same key; cores, data set and options still count', (t) => {
  t.is(key({}), key({}));
  t.not(key({}, {...host, cores: 2}), key({}));
  t.not(calibrationKey(host, machine, 'other data', options), key({}));
  t.not(calibrationKey(host, machine, 'data', {...options, maxDepth: 3}), key({}));
});

test('figures are added to the cache as it is on disk now; figures of the old method go; dropped ones are gone', (t) => {
  const file = join(folderWith(), 'calibration.json');
  writeCache(file, {'pi1|4|hash|{}|median-of-3': 61.9});
  saveCalibrations(file, {[key({})]: 12});
  saveCalibrations(file, {[key({bootId: 'b2'})]: 13});
  t.deepEqual(readCache(file), {[key({})]: 12, [key({bootId: 'b2'})]: 13});
  dropCalibrations(file, [key({})]);
  t.deepEqual(readCache(file), {[key({bootId: 'b2'})]: 13});
});
