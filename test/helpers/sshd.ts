import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer, connect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa, type ResultPromise} from 'execa';

const SSHD = '/usr/sbin/sshd';

/** A real OpenSSH server on 127.0.0.1, with throw-away host and user keys, for one test file. */
export interface TestSshd {
  port: number;
  folder: string;
  /** The user key that the server accepts. */
  userKey: string;
  /** A user key it does not. */
  strangerKey: string;
  /** The known_hosts line of its ed25519 key, or of `host_key_ecdsa` (or `host_key_rsa`, once served). */
  hostKeyLine(key?: HostKeyName): string;
  /** Replaces the host key and restarts: what a reinstalled host, or an attacker, looks like. */
  changeHostKey(): Promise<void>;
  /** Restarts serving these host keys only (made if need be): a server, or a man in the middle, that shows another type. */
  serveOnly(keys: HostKeyName[]): Promise<void>;
  stop(): Promise<void>;
}

/** Why sshd cannot run here, or undefined when it can. Under CI it must run (.ci/run installs it). */
export function sshdUnavailable(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
  if (process.getuid?.() !== 0) return 'sshd for tests needs root (it logs in as the current user, root)';
  return undefined;
}

export type HostKeyName = 'host_key' | 'host_key_ecdsa' | 'host_key_rsa';

export interface SshdOptions {
  /** Serve SFTP (default true); 'external': sftp-server started through the user's shell, as Debian and Raspberry Pi OS do. */
  sftp?: boolean | 'external';
  /** The PATH sessions get, e.g. one without node. */
  path?: string;
  /** A ~/.bashrc for the sessions, in a HOME of the server's own: bash reads it for every command sshd starts. */
  bashrc?: string;
  /** sshd's MaxStartups (start:rate:full), e.g. 3:100:3 to drop a fourth connection not yet logged in. */
  maxStartups?: string;
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const folder = mkdtempSync(join(tmpdir(), 'cluster-sshd-'));
  mkdirSync('/run/sshd', {recursive: true});
  await keygen(join(folder, 'host_key'));
  // A second host key of another type, as most servers have: known_hosts may record either.
  await execa('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(folder, 'host_key_ecdsa')]);
  await keygen(join(folder, 'user_key'));
  await keygen(join(folder, 'stranger_key'));
  writeFileSync(join(folder, 'authorized_keys'), readFileSync(join(folder, 'user_key.pub')));
  mkdirSync(join(folder, 'cache'));
  const home = options.bashrc === undefined ? undefined : join(folder, 'home');
  if (home) {
    mkdirSync(home);
    writeFileSync(join(home, '.bashrc'), options.bashrc!);
  }
  const environment = [
    `XDG_CACHE_HOME=${join(folder, 'cache')}`,
    ...(options.path ? [`PATH=${options.path}`] : []),
    ...(home ? [`HOME=${home}`] : []),
  ];
  const port = await freePort();
  writeFileSync(
    join(folder, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(folder, 'host_key')}`,
      `HostKey ${join(folder, 'host_key_ecdsa')}`,
      `PidFile ${join(folder, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(folder, 'authorized_keys')}`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // Workers install under the test's folder, not the real ~/.cache.
      // SetEnv overrides the HOME sshd sets, so bash reads the test's .bashrc, not root's.
      `SetEnv ${environment.join(' ')}`,
      ...(options.sftp === false
        ? []
        : [`Subsystem sftp ${options.sftp === 'external' ? '/usr/lib/openssh/sftp-server' : 'internal-sftp'}`]),
      ...(options.maxStartups ? [`MaxStartups ${options.maxStartups}`] : []),
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  // Wrapped: a subprocess is a promise, and awaiting it would wait for sshd to exit.
  let {server} = await launch(folder, port);
  return {
    port,
    folder,
    userKey: join(folder, 'user_key'),
    strangerKey: join(folder, 'stranger_key'),
    hostKeyLine: (key = 'host_key') => {
      const [type, blob] = readFileSync(join(folder, `${key}.pub`), 'utf8').split(' ');
      return `[127.0.0.1]:${port} ${type} ${blob}`;
    },
    async changeHostKey() {
      server.kill();
      await server.catch(() => undefined);
      await keygen(join(folder, 'host_key'), true);
      ({server} = await launch(folder, port));
    },
    async serveOnly(keys) {
      server.kill();
      await server.catch(() => undefined);
      if (keys.includes('host_key_rsa') && !existsSync(join(folder, 'host_key_rsa')))
        await execa('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', join(folder, 'host_key_rsa')]);
      const config = readFileSync(join(folder, 'sshd_config'), 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith('HostKey '));
      writeFileSync(
        join(folder, 'sshd_config'),
        [...keys.map((key) => `HostKey ${join(folder, key)}`), ...config].join('\n'),
      );
      ({server} = await launch(folder, port));
    },
    async stop() {
      server.kill();
      await server.catch(() => undefined);
    },
  };
}

async function keygen(file: string, replace = false): Promise<void> {
  if (replace) await execa('rm', ['-f', file, `${file}.pub`]);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
}

async function launch(folder: string, port: number): Promise<{server: ResultPromise}> {
  const server = execa(SSHD, ['-D', '-e', '-f', join(folder, 'sshd_config')], {reject: false});
  for (let i = 0; i < 100; i++) {
    if (await listening(port)) return {server};
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  server.kill();
  throw new Error(`sshd did not start: ${(await server).stderr}`);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number};
      server.close(() => resolve(port));
    });
  });
}
