import {lstatSync, readFileSync, statSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {InputError} from '../../src/errors.js';
import {appendToFile} from '../../src/files/append.js';
import {appendHostKey} from '../../src/ssh/known-hosts.js';
import {folderWith} from '../helpers/files.js';
import {OTHER_UID, plantLink, sharedFolder} from '../helpers/shared-folder.js';

const KEY = {type: 'ssh-ed25519', blob: Buffer.from('key')};

test('a known_hosts named in a shared folder that another user turned into a link is refused, its target untouched', (t) => {
  const {shared, victim} = sharedFolder();
  const file = join(shared, 'known_hosts');
  plantLink(victim, file);
  const error = t.throws(() => appendHostKey(file, 'rpi1', KEY), {instanceOf: InputError});
  t.is(
    error?.message,
    `${file}: '${file}' is a symbolic link (to ${victim}) owned by another user (uid ${OTHER_UID}): writing through it would overwrite whatever file they chose (remove the link, or name a file in a folder only you can write)`,
  );
  t.is(readFileSync(victim, 'utf8'), 'precious\n');
});

test('appending follows a link of ours, makes a missing file with its mode, and writes to a device', (t) => {
  const folder = folderWith({real_hosts: 'a key\n'});
  symlinkSync('real_hosts', join(folder, 'known_hosts'));
  appendHostKey(join(folder, 'known_hosts'), 'rpi1', KEY);
  t.is(readFileSync(join(folder, 'real_hosts'), 'utf8'), `a key\nrpi1 ssh-ed25519 ${KEY.blob.toString('base64')}\n`);
  t.true(lstatSync(join(folder, 'known_hosts')).isSymbolicLink());
  appendToFile(join(folder, 'new'), 'line\n', 0o600);
  t.is(statSync(join(folder, 'new')).mode & 0o777, 0o600 & ~process.umask());
  appendToFile('/dev/null', 'nothing\n', 0o600);
  t.true(statSync('/dev/null').isCharacterDevice());
});
