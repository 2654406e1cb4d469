import {mkdirSync, writeFileSync} from 'node:fs';
import {createServer as createHttpServer} from 'node:http';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {folderWith} from '../helpers/files.js';
import {endsCleanly, startCluster} from '../helpers/faults.js';

// Faults of SSH settings, against the real CLI, refused before any connection or worker: a
// ~/.ssh/config directive the toolkit would not obey, a known_hosts it cannot read.
const INVENTORY = (extra = '') => `${extra}defaults: { user: pi, identityFile: id_test }
hosts:
  far: { address: pi-far, cores: 1 }
  local-a: { transport: local, cores: 1 }
`;
const EXPERIMENT =
  'dataset: { kind: synthetic, samples: 200 }\nforest: { trees: 2 }\ncombinations: [[local-a], [far]]\nruns: 1\nwarmup: 0\n';

for (const [directive, line, why] of [
  ['ProxyCommand', 'ProxyCommand nc -X connect -x proxy:3128 %h %p', 'it reaches the host through a command'],
  ['ProxyJump', 'ProxyJump bastion', 'it reaches the host through another host'],
  ['Include', 'Include ~/.ssh/more', 'it reads more configuration from other files'],
  ['UserKnownHostsFile', 'UserKnownHostsFile /dev/null', 'it checks host keys against other files'],
] as const) {
  test(`bench refuses an ssh config with ${directive} for the host: exit 2, the file, line and directive`, async (t) => {
    const folder = folderWith({
      'inventory.yaml': INVENTORY(),
      'experiments/far.yaml': EXPERIMENT,
      id_test: 'not a key',
      '.ssh/config': `Host pi-*\n  HostName 10.0.0.5\n  ${line}\n`,
    });
    const message = await endsCleanly(
      t,
      startCluster(['bench', '-e', 'experiments/far.yaml'], folder, {env: {HOME: folder, SSH_AUTH_SOCK: undefined}}),
      2,
    );
    t.is(
      message,
      `${join(folder, '.ssh/config')}:3: ${directive}: ${directive} is not supported (${why}), and it applies to 'pi-far' (give the host an address it can reach directly in the inventory, or remove ${directive} there)`,
    );
  });
}

test('bench refuses a known_hosts it cannot read instead of taking it as empty', async (t) => {
  const folder = folderWith({
    'inventory.yaml': INVENTORY('knownHosts: hosts.d\n'),
    'experiments/far.yaml': EXPERIMENT,
    id_test: 'not a key',
  });
  mkdirSync(join(folder, 'hosts.d'));
  writeFileSync(join(folder, 'hosts.d', 'x'), '');
  const message = await endsCleanly(
    t,
    startCluster(['bench', '-e', 'experiments/far.yaml'], folder, {env: {HOME: folder, SSH_AUTH_SOCK: undefined}}),
    2,
  );
  t.is(
    message,
    `${join(folder, 'hosts.d')}: cannot read this known_hosts file (EISDIR) (make it a file you can read, or name another with knownHosts: in the inventory)`,
  );
});

for (const [what, line, problem] of [
  [
    'Port 70000',
    'Port 70000',
    "Port: '70000' is not a port number (1 to 65535) (write the host's SSH port, e.g. Port 22, or remove the line)",
  ],
  [
    'an IdentityFile token ssh does not know',
    'IdentityFile ~/.ssh/%x',
    "IdentityFile: %x in '~/.ssh/%x' is not a token IdentityFile takes (it takes %C %d %h %i %k %L %l %n %p %r %u %%) (write %% for a literal %)",
  ],
] as const) {
  test(`bench blames ${what} on the ssh config, its line and field: exit 2`, async (t) => {
    const folder = folderWith({
      'inventory.yaml': INVENTORY(),
      'experiments/far.yaml': EXPERIMENT,
      '.ssh/config': `Host pi-*\n  HostName 10.0.0.5\n  ${line}\n`,
    });
    const message = await endsCleanly(
      t,
      startCluster(['bench', '-e', 'experiments/far.yaml'], folder, {env: {HOME: folder, SSH_AUTH_SOCK: undefined}}),
      2,
    );
    t.is(message, `${join(folder, '.ssh/config')}:3: ${problem}`);
  });
}

test('bench with an encrypted key whose passphraseEnv is unset says so, naming the variable, before connecting', async (t) => {
  const folder = folderWith({
    'inventory.yaml': INVENTORY().replace('identityFile: id_test', 'identityFile: id_test, passphraseEnv: PI_PASS'),
    'experiments/far.yaml': EXPERIMENT,
  });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', join(folder, 'id_test')]);
  const message = await endsCleanly(
    t,
    startCluster(['bench', '-e', 'experiments/far.yaml'], folder, {
      env: {HOME: folder, SSH_AUTH_SOCK: undefined, PI_PASS: undefined},
    }),
    3,
  );
  // The inventory names it relative to where the command runs, and so does the hint.
  const key = 'id_test';
  t.is(
    message,
    `host far: the identity file ${key} is encrypted and PI_PASS, the variable its passphraseEnv: names, is not set; export PI_PASS with the key's passphrase, or add the key to ssh-agent with: ssh-add ${key}`,
  );
});

test('bench against a web server on the SSH port says it answered, but not as an SSH server: exit 3', async (t) => {
  const web = createHttpServer((request, response) => response.end('hello'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const port = (web.address() as {port: number}).port;
  try {
    const inventory = `defaults: { user: pi, identityFile: id_test }\nhosts:\n  far: { address: 127.0.0.1, port: ${port}, cores: 1 }\n  local-a: { transport: local, cores: 1 }\n`;
    const folder = folderWith({'inventory.yaml': inventory, 'experiments/far.yaml': EXPERIMENT});
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(folder, 'id_test')]);
    const message = await endsCleanly(
      t,
      startCluster(['bench', '-e', 'experiments/far.yaml'], folder, {env: {HOME: folder, SSH_AUTH_SOCK: undefined}}),
      3,
    );
    t.is(
      message,
      `host far: 127.0.0.1:${port} answered, but not as an SSH server (it said: HTTP/1.1 400 Bad Request); check that ${port} is the host's SSH port (port: in the inventory, or Port in ~/.ssh/config)`,
    );
  } finally {
    web.closeAllConnections();
    web.close();
  }
});
