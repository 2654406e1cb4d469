import {createHmac} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {
  appendHostKey,
  checkHostKey,
  fingerprint,
  type HostKey,
  hostKeyAlgorithmsFor,
  keyTypeOf,
  knownHostsName,
} from '../../src/ssh/known-hosts.js';
import {remoteCommand, shellQuote} from '../../src/text/shell-quote.js';
import {sshConfigFor} from '../../src/ssh/ssh-config.js';
import {folderWith} from '../helpers/files.js';

/** A public key blob: the type string, then 32 key bytes (enough to tell keys apart). */
function blob(fill: number, keyType = 'ssh-ed25519'): Buffer {
  const type = Buffer.from(keyType);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(type.length);
  const keyLength = Buffer.alloc(4);
  keyLength.writeUInt32BE(32);
  return Buffer.concat([length, type, keyLength, Buffer.alloc(32, fill)]);
}
const key = {type: 'ssh-ed25519', blob: blob(1)};
const other = {type: 'ssh-ed25519', blob: blob(2)};
const line = (names: string, k = key) => `${names} ${k.type} ${k.blob.toString('base64')}`;
const hashed = (name: string) => {
  const salt = Buffer.alloc(20, 9);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

const ecdsa = {type: 'ecdsa-sha2-nistp256', blob: blob(3, 'ecdsa-sha2-nistp256')};
const rsa = {type: 'ssh-rsa', blob: blob(4, 'ssh-rsa')};

const verdict = test.macro(
  (t, lines: string[], name: string, expected: 'known' | 'unknown' | 'changed' | 'revoked', shown: HostKey = key) => {
    const folder = folderWith({known_hosts: `${lines.join('\n')}\n`});
    t.is(checkHostKey([join(folder, 'known_hosts')], name, shown).status, expected);
  },
);

test('a plain entry', verdict, [line('rpi1,192.168.1.101')], '192.168.1.101', 'known');
test('a [host]:port entry', verdict, [line('[127.0.0.1]:2222')], '[127.0.0.1]:2222', 'known');
test('a port entry does not match port 22', verdict, [line('[127.0.0.1]:2222')], '127.0.0.1', 'unknown');
test('a hashed entry', verdict, [line(hashed('[10.0.0.5]:2200'))], '[10.0.0.5]:2200', 'known');
test('a hashed entry for another name', verdict, [line(hashed('10.0.0.6'))], '10.0.0.5', 'unknown');
test('wildcards', verdict, [line('192.168.1.*')], '192.168.1.77', 'known');
test('a negated name wins', verdict, [line('192.168.1.*,!192.168.1.77')], '192.168.1.77', 'unknown');
test('another key of the same type is a changed key', verdict, [line('rpi1', other)], 'rpi1', 'changed');
test('a revoked key', verdict, ['# comment', `@revoked ${line('*')}`, line('rpi1')], 'rpi1', 'revoked');
// OpenSSH refuses these as REMOTE HOST IDENTIFICATION HAS CHANGED, even with accept-new.
test('ed25519 recorded, ecdsa shown: changed', verdict, [line('rpi1')], 'rpi1', 'changed', ecdsa);
test('rsa recorded, ed25519 shown: changed', verdict, [line('rpi1', rsa)], 'rpi1', 'changed');
test(
  'another type under a hashed name: changed',
  verdict,
  [line(hashed('[10.0.0.5]:2200'))],
  '[10.0.0.5]:2200',
  'changed',
  rsa,
);
test('another type under a wildcard: changed', verdict, [line('192.168.1.*', ecdsa)], '192.168.1.77', 'changed');
test(
  'another type under [host]:port: changed',
  verdict,
  [line('[127.0.0.1]:2222', ecdsa)],
  '[127.0.0.1]:2222',
  'changed',
);
test('two types recorded, one of them shown: known', verdict, [line('rpi1', rsa), line('rpi1')], 'rpi1', 'known');
test("a key recorded for another port is not this host's", verdict, [line('[rpi1]:2222', ecdsa)], 'rpi1', 'unknown');
test(
  'a revoked key of another type does not make a new one changed',
  verdict,
  [`@revoked ${line('rpi1', ecdsa)}`],
  'rpi1',
  'unknown',
);
test(
  'a revoked key is revoked, whatever else is recorded',
  verdict,
  [line('rpi1'), `@revoked ${line('rpi1', ecdsa)}`],
  'rpi1',
  'revoked',
  ecdsa,
);
test(
  'a @cert-authority line is not a recorded host key',
  verdict,
  [`@cert-authority ${line('*', ecdsa)}`],
  'rpi1',
  'unknown',
);
test(
  'a @cert-authority line beside a recorded key leaves it known',
  verdict,
  [`@cert-authority ${line('*', ecdsa)}`, line('rpi1')],
  'rpi1',
  'known',
);

test('a changed key names the line recorded, its type, and whether the line names this host only', (t) => {
  const folder = folderWith({known_hosts: `${line('rpi1,10.0.0.1', rsa)}\n${line('rpi2')}\n${line('rpi2', rsa)}\n`});
  const file = join(folder, 'known_hosts');
  t.deepEqual(checkHostKey([file], 'rpi1', key), {
    status: 'changed',
    file,
    line: 1,
    recordedType: 'ssh-rsa',
    exact: false,
  });
  t.deepEqual(checkHostKey([file], 'rpi2', ecdsa), {
    status: 'changed',
    file,
    line: 2,
    recordedType: 'ssh-ed25519',
    exact: true,
  });
  t.deepEqual(checkHostKey([file], 'RPI2', {type: 'ssh-rsa', blob: blob(9, 'ssh-rsa')}), {
    status: 'changed',
    file,
    line: 3,
    recordedType: 'ssh-rsa',
    exact: true,
  });
});

// OpenSSH lowercases the host name before it matches or hashes it: LOCALHOST is localhost's entry.
test('capitals in the address: a plain entry is known', verdict, [line('rpi1')], knownHostsName('RPi1', 22), 'known');
test(
  'capitals in the address: a hashed entry is known',
  verdict,
  [line(hashed('[localhost]:2202'))],
  knownHostsName('LOCALHOST', 2202),
  'known',
);
test(
  'capitals in the address: a hashed entry of another key is changed',
  verdict,
  [line(hashed('[localhost]:2202'))],
  knownHostsName('LocalHost', 2202),
  'changed',
  ecdsa,
);
test(
  'capitals in the name checked: a hashed entry still matches',
  verdict,
  [line(hashed('rpi1'))],
  'RPI1',
  'changed',
  ecdsa,
);

test('capitals in the address: the key recorded under the lowercased name, which OpenSSH then finds', (t) => {
  const file = join(folderWith(), 'known_hosts');
  appendHostKey(file, knownHostsName('LOCALHOST', 2202), key);
  t.is(readFileSync(file, 'utf8'), `${line('[localhost]:2202')}\n`);
  appendHostKey(file, 'RPI1', key);
  t.true(readFileSync(file, 'utf8').endsWith(`${line('rpi1')}\n`));
  t.deepEqual(
    hostKeyAlgorithmsFor(
      [join(folderWith({kh: `${line(hashed('[localhost]:2202'), ecdsa)}\n`}), 'kh')],
      '[LOCALHOST]:2202',
    )[0],
    'ecdsa-sha2-nistp256',
  );
});

test('no file at all', (t) => t.is(checkHostKey(['/nonexistent/known_hosts'], 'rpi1', key).status, 'unknown'));

test('accept-new appends one line OpenSSH reads, in a folder it makes', (t) => {
  const file = join(folderWith(), 'new/.ssh/known_hosts');
  appendHostKey(file, knownHostsName('127.0.0.1', 2222), key);
  t.is(readFileSync(file, 'utf8'), `${line('[127.0.0.1]:2222')}\n`);
  t.is(checkHostKey([file], '[127.0.0.1]:2222', key).status, 'known');
  t.is(knownHostsName('rpi1', 22), 'rpi1');
});

test('fingerprints as ssh-keygen prints them, and key types read from the blob', (t) => {
  t.regex(fingerprint(key), /^SHA256:[A-Za-z0-9+/]{43}$/);
  t.is(keyTypeOf(key.blob), 'ssh-ed25519');
});

test('~/.ssh/config: the first value wins, Host patterns, and global options', (t) => {
  const config = `User everyone
Host pi-*
  HostName %h.lan
  Port 2222
Host pi-kitchen
  User chef
  IdentityFile ~/.ssh/kitchen
Host *
  User fallback
`;
  t.deepEqual(sshConfigFor(config, 'pi-kitchen'), {
    user: 'everyone',
    hostName: 'pi-kitchen.lan',
    port: 2222,
    identityFile: {value: '~/.ssh/kitchen', file: '~/.ssh/config', line: 7, field: 'IdentityFile'},
  });
  t.deepEqual(sshConfigFor('Host desk\n  HostName=10.0.0.2\n  User me\n', 'desk'), {hostName: '10.0.0.2', user: 'me'});
  t.deepEqual(sshConfigFor('Host desk\n  User me\n', 'laptop'), {});
});

test('remote command parts are quoted so the shell reads them as data', (t) => {
  t.is(shellQuote('/home/pi/.cache/cluster/worker.mjs'), '/home/pi/.cache/cluster/worker.mjs');
  t.is(shellQuote("it's; rm -rf ~"), `'it'\\''s; rm -rf ~'`);
  t.is(remoteCommand(['sha256sum', '--', '/a b/$(x)']), "sha256sum -- '/a b/$(x)'");
});
