import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {credentials, openSshPublicKey} from '../../src/ssh/credentials.js';
import type {SshTarget} from '../../src/ssh/target.js';
import {folderWith} from '../helpers/files.js';

const folder = folderWith();
const locked = join(folder, 'locked');
const plain = join(folder, 'plain');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'right horse', '-f', locked]);
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', plain]);
const pem = join(folder, 'pem');
execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'right horse', '-f', pem]);

const target = (identityFile: string, passphraseEnv?: string): SshTarget => ({
  name: 'pi',
  hostname: '10.0.0.5',
  port: 22,
  username: 'pi',
  identityFile,
  ...(passphraseEnv ? {passphraseEnv} : {}),
  knownHostsFiles: [],
  recordTo: '/nowhere',
  acceptNewCommand: 'cluster status --hosts pi --accept-new',
  connectTimeoutMs: 1000,
});
const methods = (login: ReturnType<typeof credentials>) => login.methods.map((method) => method.type);

// Without an agent, a key that cannot be used stops us before connecting, saying what to do.
const refused = test.macro(
  (t, passphraseEnv: string | undefined, env: NodeJS.ProcessEnv, message: string, key: string = locked) => {
    t.throws(() => credentials(target(key, passphraseEnv), env), {message: message.replaceAll('KEY', key)});
  },
);
test(
  'an encrypted key, no passphraseEnv',
  refused,
  undefined,
  {},
  'the identity file KEY is encrypted and no passphraseEnv: names the variable that holds its passphrase; set passphraseEnv: in the inventory, or add the key to ssh-agent with: ssh-add KEY',
);
test(
  'an encrypted key, its passphraseEnv unset',
  refused,
  'PI_PASS',
  {},
  "the identity file KEY is encrypted and PI_PASS, the variable its passphraseEnv: names, is not set; export PI_PASS with the key's passphrase, or add the key to ssh-agent with: ssh-add KEY",
);
test(
  'an encrypted key, its passphraseEnv empty',
  refused,
  'PI_PASS',
  {PI_PASS: ''},
  "the identity file KEY is encrypted and PI_PASS, the variable its passphraseEnv: names, is empty; export PI_PASS with the key's passphrase, or add the key to ssh-agent with: ssh-add KEY",
);
test(
  'an encrypted key, the wrong passphrase',
  refused,
  'PI_PASS',
  {PI_PASS: 'wrong horse'},
  'the passphrase in PI_PASS does not decrypt the identity file KEY; put the right one in PI_PASS (ssh-keygen -y -f KEY asks for it and says if it is wrong), or add the key to ssh-agent with: ssh-add KEY',
);

test(
  'a legacy PEM key, no passphraseEnv',
  refused,
  undefined,
  {},
  'the identity file KEY is encrypted and no passphraseEnv: names the variable that holds its passphrase; set passphraseEnv: in the inventory, or add the key to ssh-agent with: ssh-add KEY',
  pem,
);
test(
  'a legacy PEM key, the wrong passphrase',
  refused,
  'PI_PASS',
  {PI_PASS: 'wrong horse'},
  'the passphrase in PI_PASS does not decrypt the identity file KEY; put the right one in PI_PASS (ssh-keygen -y -f KEY asks for it and says if it is wrong), or add the key to ssh-agent with: ssh-add KEY',
  pem,
);

test('the right passphrase, or no passphrase needed: the file is a method, after the agent', (t) => {
  t.deepEqual(methods(credentials(target(locked, 'PI_PASS'), {PI_PASS: 'right horse'})), ['none', 'publickey']);
  t.deepEqual(methods(credentials(target(pem, 'PI_PASS'), {PI_PASS: 'right horse'})), ['none', 'publickey']);
  t.deepEqual(methods(credentials(target(plain, 'UNSET'), {})), ['none', 'publickey']);
  t.deepEqual(methods(credentials(target(plain), {SSH_AUTH_SOCK: '/run/agent.sock'})), ['none', 'agent', 'publickey']);
});

test('with an agent, an encrypted key without its passphrase does not abort: the agent is tried, and why the file was not is kept', (t) => {
  const login = credentials(target(locked, 'PI_PASS'), {SSH_AUTH_SOCK: '/run/agent.sock'});
  t.deepEqual(methods(login), ['none', 'agent']);
  t.is(
    login.fileProblem,
    `the identity file ${locked} is encrypted and PI_PASS, the variable its passphraseEnv: names, is not set; export PI_PASS with the key's passphrase, or add the key to ssh-agent with: ssh-add ${locked}`,
  );
});

test('a public key named as the identity, and a missing one', (t) => {
  t.throws(() => credentials(target(`${plain}.pub`), {}), {
    message: `the identity file ${plain}.pub holds a public key, not a private one; name the private key (without .pub) with identityFile: in the inventory`,
  });
  t.throws(() => credentials(target(join(folder, 'none')), {}), {
    message: `cannot read the identity file ${join(folder, 'none')} (ENOENT); check identityFile: in the inventory`,
  });
});

test('the public key of an encrypted OpenSSH key is read from its clear header, as ssh does without the .pub', (t) => {
  const blob = Buffer.from(readFileSync(`${locked}.pub`, 'utf8').split(' ')[1], 'base64');
  t.deepEqual(openSshPublicKey(readFileSync(locked)), blob);
  t.is(openSshPublicKey(Buffer.from('not a key')), undefined);
});
