import {execFileSync} from 'node:child_process';
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {InputError} from '../../src/errors.js';
import {appendHostKey, checkHostKey, hostKeyAlgorithmsFor} from '../../src/ssh/known-hosts.js';
import {createHash} from 'node:crypto';
import {homedir, hostname, userInfo} from 'node:os';
import type {Host} from '../../src/config/inventory.js';
import {readSshConfig, sshConfigFor} from '../../src/ssh/ssh-config.js';
import {resolveTarget} from '../../src/ssh/target.js';
import {folderWith} from '../helpers/files.js';

const refused = test.macro((t, config: string, alias: string, message: string) => {
  const error = t.throws(() => sshConfigFor(config, alias, '/home/me/.ssh/config'), {instanceOf: InputError});
  t.is(error!.message, message);
  t.is(error!.exitCode, 2);
});

test(
  'ProxyJump for the host',
  refused,
  'Host pi\n  HostName 10.0.0.5\n  ProxyJump gateway\n',
  'pi',
  "/home/me/.ssh/config:3: ProxyJump: ProxyJump is not supported (it reaches the host through another host), and it applies to 'pi' (give the host an address it can reach directly in the inventory, or remove ProxyJump there)",
);
test(
  'ProxyCommand under Host *',
  refused,
  'Host *\n  ProxyCommand ssh -W %h:%p bastion\n',
  'pi',
  "/home/me/.ssh/config:2: ProxyCommand: ProxyCommand is not supported (it reaches the host through a command), and it applies to 'pi' (give the host an address it can reach directly in the inventory, or remove ProxyCommand there)",
);
test(
  'Include at the top',
  refused,
  'Include config.d/*\nHost pi\n  User pi\n',
  'pi',
  "/home/me/.ssh/config:1: Include: Include is not supported (it reads more configuration from other files), and it applies to 'pi' (give the host an address it can reach directly in the inventory, or remove Include there)",
);
test(
  'Match anywhere',
  refused,
  'Host other\n  User x\nMatch host pi exec true\n  User pi\n',
  'pi',
  "/home/me/.ssh/config:3: Match: Match is not supported (its conditions are evaluated when connecting), and it may apply to 'pi' (give the host an address it can reach directly in the inventory, or remove Match there)",
);
test(
  'HostKeyAlias, written with =',
  refused,
  'Host pi\n  HostKeyAlias=router\n',
  'pi',
  "/home/me/.ssh/config:2: HostKeyAlias: HostKeyAlias is not supported (it checks the host key under another name), and it applies to 'pi' (give the host an address it can reach directly in the inventory, or remove HostKeyAlias there)",
);

test('directives for other hosts, and ones that do not change where or how to connect, are left alone', (t) => {
  const config =
    'Host bastion\n  ProxyJump elsewhere\n  Include more\nHost pi\n  HostName 10.0.0.5\n  ServerAliveInterval 30\n  ForwardAgent yes\n';
  t.deepEqual(sshConfigFor(config, 'pi'), {hostName: '10.0.0.5'});
});

test('an ssh config that cannot be read is an error naming it; a missing one is empty', (t) => {
  const folder = folderWith();
  mkdirSync(join(folder, 'config'));
  t.throws(() => readSshConfig('pi', join(folder, 'config')), {
    message: `${join(folder, 'config')}: cannot read this ssh config (EISDIR) (make it a file you can read)`,
  });
  t.deepEqual(readSshConfig('pi', join(folder, 'none')), {});
});

test('recorded key types are offered first, as OpenSSH does; nothing recorded leaves the default order', (t) => {
  const folder = folderWith({
    known_hosts: '[10.0.0.5]:2222 ecdsa-sha2-nistp256 AAAA\n10.0.0.6 ssh-rsa AAAA\n10.0.0.6 ssh-ed25519 AAAA\n',
  });
  const file = join(folder, 'known_hosts');
  t.deepEqual(hostKeyAlgorithmsFor([file], '[10.0.0.5]:2222').slice(0, 2), ['ecdsa-sha2-nistp256', 'ssh-ed25519']);
  t.deepEqual(hostKeyAlgorithmsFor([file], '10.0.0.6').slice(0, 4), [
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
    'ssh-ed25519',
  ]);
  t.is(hostKeyAlgorithmsFor([file], '10.0.0.6').length, 7);
  t.deepEqual(hostKeyAlgorithmsFor([file, join(folder, 'missing')], '10.0.0.7'), []);
  mkdirSync(join(folder, 'dir'));
  t.throws(() => hostKeyAlgorithmsFor([join(folder, 'dir')], '10.0.0.7'), {
    message: `${join(folder, 'dir')}: cannot read this known_hosts file (EISDIR) (make it a file you can read, or name another with knownHosts: in the inventory)`,
  });
  writeFileSync(join(folder, 'k'), '');
  t.deepEqual(hostKeyAlgorithmsFor([join(folder, 'k')], '10.0.0.7'), []);
});

test('ProxyCommand none and ProxyJump none are a direct connection, and the first value wins', (t) => {
  t.deepEqual(sshConfigFor('Host pi\n  HostName 10.0.0.5\n  ProxyCommand none\nHost *\n  ProxyJump bastion\n', 'pi'), {
    hostName: '10.0.0.5',
  });
  t.deepEqual(sshConfigFor('Host pi\n  ProxyJump NONE\n  ProxyCommand ssh -W %h:%p bastion\n', 'pi'), {});
  t.throws(() => sshConfigFor('Host pi\n  ProxyJump bastion\n  ProxyCommand none\n', 'pi'), {
    message: /:2: ProxyJump: ProxyJump is not supported/,
  });
});

test('an ssh config that is a pipe, an endless device or not UTF-8 is refused by name, never read forever', (t) => {
  const folder = folderWith({latin1: Buffer.from('Host pi\n  User j\xf6rg\n', 'latin1')});
  execFileSync('mkfifo', [join(folder, 'fifo')]);
  symlinkSync('/dev/zero', join(folder, 'zero'));
  t.throws(() => readSshConfig('pi', join(folder, 'fifo')), {
    message: `${join(folder, 'fifo')}: is a pipe (FIFO), not a file (save its contents to a file and name that file)`,
  });
  t.throws(() => readSshConfig('pi', join(folder, 'zero')), {
    message: /zero: the file is larger than the 16 MiB an ssh config may be/,
  });
  t.throws(() => readSshConfig('pi', join(folder, 'latin1')), {
    message: /latin1:2: byte 0xf6 at byte 9 of the line is not UTF-8/,
  });
});

test('a known_hosts that is a pipe or an endless device is refused by name, never read forever', (t) => {
  const folder = folderWith();
  execFileSync('mkfifo', [join(folder, 'fifo')]);
  symlinkSync('/dev/zero', join(folder, 'zero'));
  const key = {type: 'ssh-ed25519', blob: Buffer.alloc(51, 1)};
  t.throws(() => checkHostKey([join(folder, 'fifo')], 'pi', key), {
    message: `${join(folder, 'fifo')}: is a pipe (FIFO), not a file (save its contents to a file and name that file)`,
  });
  t.throws(() => hostKeyAlgorithmsFor([join(folder, 'zero')], 'pi'), {
    message: /zero: the file is larger than the 16 MiB a known_hosts file may be/,
  });
  t.throws(() => appendHostKey(join(folder, 'fifo'), 'pi', key), {message: /fifo: is a pipe \(FIFO\), not a file/});
});

// Port: a bad one is the ssh config's fault, named by file, line and field, wherever it is written (as ssh refuses it).
test(
  'Port 70000',
  refused,
  'Host pi\n  HostName 10.0.0.5\n  Port 70000\n',
  'pi',
  "/home/me/.ssh/config:3: Port: '70000' is not a port number (1 to 65535) (write the host's SSH port, e.g. Port 22, or remove the line)",
);
test(
  'Port=ssh, for another host',
  refused,
  'Host other\n  Port=ssh\nHost pi\n  User pi\n',
  'pi',
  "/home/me/.ssh/config:2: Port: 'ssh' is not a port number (1 to 65535) (write the host's SSH port, e.g. Port 22, or remove the line)",
);
test(
  'port 0',
  refused,
  'Host pi\n  port 0\n',
  'pi',
  "/home/me/.ssh/config:2: port: '0' is not a port number (1 to 65535) (write the host's SSH port, e.g. port 22, or remove the line)",
);
test(
  'HostName with a token it does not take',
  refused,
  'Host pi\n  HostName %r.lan\n',
  'pi',
  "/home/me/.ssh/config:2: HostName: %r in '%r.lan' is not a token HostName takes (it takes %h %%) (write %% for a literal %)",
);

const host = (fields: Partial<Host> = {}): Host => ({
  name: 'kitchen',
  transport: 'ssh',
  address: 'pi-kitchen',
  cores: 1,
  labels: [],
  ...fields,
});
const identityWith = (line: string, fields: Partial<Host> = {}) => {
  const folder = folderWith({
    config: `Host pi-*\n  HostName 10.0.0.7\n  User pi\n  Port 2200\n  IdentityFile ${line}\n`,
  });
  return resolveTarget(host(fields), join(folder, 'config')).identityFile;
};

test('IdentityFile tokens expand as ssh expands them, with the user and port the inventory settles on', (t) => {
  const me = userInfo();
  t.is(identityWith('%d/.ssh/%r@%h:%p'), `${homedir()}/.ssh/pi@10.0.0.7:2200`);
  t.is(identityWith('~/.ssh/%r-%n-%k', {user: 'chef', port: 2201}), `${homedir()}/.ssh/chef-pi-kitchen-pi-kitchen`);
  t.is(
    identityWith('/keys/%u.%i.%L.%l.100%%'),
    `/keys/${me.username}.${me.uid}.${hostname().split('.')[0]}.${hostname()}.100%`,
  );
  t.is(identityWith('/keys/%C'), `/keys/${createHash('sha1').update(`${hostname()}10.0.0.72200pi`).digest('hex')}`);
  t.is(identityWith('${HOME}/k'), `${process.env.HOME}/k`);
  // A `~` made by a token is a name, not a home: ssh expands the tilde first.
  t.is(identityWith('/k/%%~'), '/k/%~');
  // The inventory's own identityFile is the inventory's, not ssh_config's: no tokens there.
  t.is(identityWith('%d/x', {identityFile: '/keys/100%r'}), '/keys/100%r');
});

const badIdentity = test.macro((t, line: string, problem: string) => {
  const folder = folderWith({config: `Host pi-*\n  IdentityFile ${line}\n`});
  t.throws(() => resolveTarget(host(), join(folder, 'config')), {
    instanceOf: InputError,
    message: `${join(folder, 'config')}:2: IdentityFile: ${problem}`,
  });
});
test(
  'IdentityFile with an unknown token',
  badIdentity,
  '~/.ssh/%x',
  "%x in '~/.ssh/%x' is not a token IdentityFile takes (it takes %C %d %h %i %k %L %l %n %p %r %u %%) (write %% for a literal %)",
);
test(
  'IdentityFile ending in a lone %',
  badIdentity,
  '~/.ssh/id%',
  "'~/.ssh/id%' ends in a lone % (write %% for a literal %)",
);
test(
  'IdentityFile with an unset variable',
  badIdentity,
  '${NO_SUCH_VARIABLE_X}/id',
  "${NO_SUCH_VARIABLE_X} in '${NO_SUCH_VARIABLE_X}/id' names an environment variable that is not set (set NO_SUCH_VARIABLE_X, or write the path out)",
);
test(
  'IdentityFile in the home of a user there is not',
  badIdentity,
  '~nosuchuser/id',
  "~nosuchuser in '~nosuchuser/id': there is no user nosuchuser here (write the path out, or ~/ for your own home)",
);

test("the known_hosts files read are OpenSSH's defaults, after the inventory's; the key is recorded in the inventory's, else ~/.ssh/known_hosts", (t) => {
  const config = join(folderWith({config: ''}), 'config');
  const saved = process.env.CLUSTER_GLOBAL_KNOWN_HOSTS;
  delete process.env.CLUSTER_GLOBAL_KNOWN_HOSTS;
  try {
    const user = [join(homedir(), '.ssh/known_hosts'), join(homedir(), '.ssh/known_hosts2')];
    t.like(resolveTarget(host({knownHosts: '/srv/kh'}), config), {
      knownHostsFiles: ['/srv/kh', ...user, '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      recordTo: '/srv/kh',
    });
    t.like(resolveTarget(host(), config), {
      knownHostsFiles: [...user, '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      recordTo: user[0],
    });
    process.env.CLUSTER_GLOBAL_KNOWN_HOSTS = ' /tmp/a  /tmp/b ';
    t.deepEqual(resolveTarget(host(), config).knownHostsFiles, [...user, '/tmp/a', '/tmp/b']);
  } finally {
    if (saved === undefined) delete process.env.CLUSTER_GLOBAL_KNOWN_HOSTS;
    else process.env.CLUSTER_GLOBAL_KNOWN_HOSTS = saved;
  }
});
