import type {Readable} from 'node:stream';
import {Client, type ClientChannel, type ConnectConfig} from 'ssh2';
import {HostError, InputError} from '../errors.js';
import {describe} from '../config/fields.js';
import {readBounded} from '../files/read-text.js';
import {formatBytes, LIMITS} from '../limits.js';
import {BannerCut, cutStream, markedCommand} from './banner.js';
import {appendHostKey, checkHostKey, fingerprint, type HostKey, type HostKeyVerdict, hostKeyAlgorithmsFor, keyTypeOf, knownHostsName} from './known-hosts.js';
import type {SshTarget} from './target.js';

export interface ConnectOptions {
  /** Record an unknown host's key instead of refusing it (OpenSSH's StrictHostKeyChecking=accept-new). */
  acceptNew?: boolean;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A long-running command: its channel (stdin, and 'close' with the exit), and its output after the login banner. */
export interface RemoteProcess {
  channel: ClientChannel;
  output: Readable;
  errors: Readable;
}

/** OpenSSH allows 10 sessions per connection (MaxSessions); we keep under it and queue the rest. */
const MAX_CHANNELS = 8;
const KEEPALIVE_MS = 5000;
const KEEPALIVE_MISSES = 3;
/** How long a closing connection may wait for the other end before its socket is cut. */
const CLOSE_GRACE_MS = 2000;

/** Why a host could not be used, for messages and for --json. */
export class SshError extends HostError {
  constructor(host: string, reason: string, problem: string) {
    super(host, problem, '', reason);
  }
}

/**
 * One SSH connection to one host, kept alive, with its host key checked against known_hosts. All
 * of ssh2 stays in here: exec channels (queued under MaxSessions, always closed) and SFTP.
 */
export class SshSession {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private lostError: SshError | undefined;
  private banner: string | undefined;
  private readonly lostListeners: ((error: SshError) => void)[] = [];

  private constructor(
    readonly target: SshTarget,
    private readonly client: Client,
    /** Milliseconds the handshake took: a first look at the link's latency. */
    readonly connectMs: number,
  ) {
    client.on('error', (error) => this.lose(new SshError(target.name, 'connection-lost', `connection lost (${error.message})`)));
    client.on('close', () => this.lose(new SshError(target.name, 'connection-lost', 'connection closed')));
  }

  static connect(target: SshTarget, options: ConnectOptions = {}): Promise<SshSession> {
    const timeoutMs = target.connectTimeoutMs;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let verdict: {key: HostKey; result: HostKeyVerdict} | undefined;
      const started = performance.now();
      const name = knownHostsName(target.hostname, target.port);
      let config: ConnectConfig;
      try {
        // Read before connecting: an unreadable known_hosts fails here, naming the file.
        const serverHostKey = hostKeyAlgorithmsFor(target.knownHostsFiles, name);
        config = {
          ...(serverHostKey.length > 0 ? {algorithms: {serverHostKey: serverHostKey as NonNullable<ConnectConfig['algorithms']>['serverHostKey']}} : {}),
          host: target.hostname,
          port: target.port,
          username: target.username,
          readyTimeout: timeoutMs,
          keepaliveInterval: KEEPALIVE_MS,
          keepaliveCountMax: KEEPALIVE_MISSES,
          ...credentials(target),
          // ssh2 accepts any key without this: the checking is ours.
          hostVerifier: (blob: Buffer) => {
            const key = {type: keyTypeOf(blob), blob: Buffer.from(blob)};
            let result = checkHostKey(target.knownHostsFiles, name, key);
            if (result.status === 'unknown' && options.acceptNew) {
              appendHostKey(target.recordTo, name, key);
              result = {status: 'known'};
            }
            verdict = {key, result};
            return result.status === 'known';
          },
        };
      } catch (error) {
        return reject(error);
      }
      let settled = false;
      client.once('ready', () => {
        settled = true;
        resolve(new SshSession(target, client, performance.now() - started));
      });
      // `on`, not `once`: ending a failed client can emit a second error, which must not go unhandled.
      client.on('error', (error: Error & {level?: string; code?: string}) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(explainConnectError(target, name, error, verdict, timeoutMs));
      });
      // A link that drops after the server's banner closes the socket with no error (and ssh2 stops its ready timer).
      client.once('close', () => {
        if (settled) return;
        settled = true;
        reject(explainConnectError(target, name, new Error('connection closed during the handshake'), verdict, timeoutMs));
      });
      try {
        client.connect(config);
      } catch (error) {
        const message = (error as Error).message;
        const fix = /passphrase|encrypted/i.test(message) ? 'name the environment variable that holds its passphrase with passphraseEnv:' : 'check identityFile: in the inventory';
        reject(new SshError(target.name, 'auth', `cannot use the identity file ${target.identityFile} (${message}); ${fix}`));
      }
    });
  }

  /** Runs a command to completion; `command` must be built with remoteCommand or be fixed text. */
  async exec(command: string, input?: string | Buffer): Promise<ExecResult> {
    const marked = markedCommand(command);
    const channel = await this.open(marked.command);
    const out = new BannerCut(marked.marker);
    const err = new BannerCut(marked.marker);
    return new Promise((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      channel.on('data', (chunk: Buffer) => stdout.push(out.push(chunk)));
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(err.push(chunk)));
      channel.on('close', (code: number | null) => {
        this.noteBanner(out);
        // An exit status without the marker: the shell ended during its start-up files, never reaching the command.
        if (!out.seen && typeof code === 'number') return reject(this.shellEnded(code, out.banner() + err.banner()));
        resolve({code: code ?? null, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString()});
      });
      // A command on a connection that is gone never closes its channel by itself.
      this.onLost(reject);
      channel.end(input);
    });
  }

  /** Starts a long-running command; its slot is freed when its channel closes. */
  async spawn(command: string): Promise<RemoteProcess> {
    const marked = markedCommand(command);
    const channel = await this.open(marked.command);
    const out = new BannerCut(marked.marker);
    const output = channel.pipe(cutStream(out));
    const errors = channel.stderr.pipe(cutStream(new BannerCut(marked.marker)));
    channel.once('close', () => this.noteBanner(out));
    // Dropping the output early (bytes that are not the protocol) drops the command, as destroying the channel did.
    output.once('close', () => output.readableEnded || channel.close());
    return {channel, output, errors};
  }

  /**
   * One round trip with no work on the host: a global request that OpenSSH answers at once (the
   * keepalive ssh2 sends itself), in milliseconds. Unlike SFTP it passes through no shell.
   */
  ping(): Promise<number> {
    const internals = this.client as unknown as {_callbacks: (() => void)[]; _protocol: {ping(): void}};
    const started = performance.now();
    return new Promise((resolve, reject) => {
      this.onLost(reject);
      // The server answers global requests in order; ssh2 hands each answer to the next callback.
      internals._callbacks.push(() => resolve(performance.now() - started));
      internals._protocol.ping();
    });
  }

  /** What the user's shell printed before a command, when it prints anything: the same before every command. */
  get loginBanner(): string | undefined {
    return this.banner;
  }

  onLost(listener: (error: SshError) => void): void {
    if (this.lostError) listener(this.lostError);
    else this.lostListeners.push(listener);
  }

  /** Ends the connection; whoever waits on it (a worker's exit) hears at once, even if the link is dead. */
  close(): void {
    this.lose(new SshError(this.target.name, 'closed', 'connection closed by the coordinator'));
    this.client.end();
    // On a dead link the polite end never completes: our FIN waits on a peer that is gone, and ssh2
    // stops its keepalive once the socket is half closed. Cut the socket (ssh2's destroy() does
    // nothing after end()), or it keeps the process alive for the kernel's retransmission timeout.
    const socket = (this.client as unknown as {_sock?: {destroyed: boolean; destroy(): void}})._sock;
    if (socket && !socket.destroyed) setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private noteBanner(cut: BannerCut): void {
    if (this.banner === undefined && cut.bannerBytes > 0) this.banner = cut.banner();
  }

  private shellEnded(code: number, printed: string): SshError {
    const said = printed.length > 0 ? `; it printed: ${describe(printed)}` : '';
    return new SshError(this.target.name, 'login-shell', `the login shell ended (exit ${code}) before running the command${said}; check the user's shell and ~/.bashrc on the host`);
  }

  private lose(error: SshError): void {
    if (this.lostError) return;
    this.lostError = error;
    for (const listener of this.lostListeners.splice(0)) listener(error);
  }

  private async open(command: string): Promise<ClientChannel> {
    await this.acquire();
    if (this.lostError) {
      this.release();
      throw this.lostError;
    }
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) {
          this.release();
          return reject(new SshError(this.target.name, 'exec', `cannot start a remote command (${error.message})`));
        }
        channel.once('close', () => this.release());
        resolve(channel);
      });
    });
  }

  private acquire(): Promise<void> {
    if (this.active < MAX_CHANNELS) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

/** ssh-agent when there is one, and the identity file, its passphrase from the variable the inventory names. */
function credentials(target: SshTarget): Partial<ConnectConfig> {
  const config: Partial<ConnectConfig> = {};
  if (process.env.SSH_AUTH_SOCK) config.agent = process.env.SSH_AUTH_SOCK;
  if (target.identityFile) {
    try {
      config.privateKey = readIdentityFile(target.identityFile);
    } catch (error) {
      if (error instanceof InputError) throw error;
      if (!config.agent) throw new SshError(target.name, 'auth', `cannot read identity file ${target.identityFile} (${(error as NodeJS.ErrnoException).code}); set identityFile in the inventory, or start ssh-agent`);
    }
    const passphrase = target.passphraseEnv ? process.env[target.passphraseEnv] : undefined;
    if (passphrase !== undefined) config.passphrase = passphrase;
  }
  if (!config.agent && !config.privateKey) throw new SshError(target.name, 'auth', 'no identity file and no ssh-agent; set identityFile in the inventory, or start ssh-agent');
  return config;
}

/** A private key is a few KiB: a FIFO or a device named as one is refused, never read forever. */
function readIdentityFile(file: string): Buffer {
  const tooLarge = () => new InputError({file, problem: `the file is larger than the ${formatBytes(LIMITS.sshFileBytes)} an identity file may be`, fix: 'name your private key with identityFile in the inventory'});
  return readBounded(file, LIMITS.sshFileBytes, tooLarge);
}

function explainConnectError(target: SshTarget, name: string, error: Error & {level?: string; code?: string}, verdict: {key: HostKey; result: HostKeyVerdict} | undefined, timeoutMs: number): SshError {
  const at = `${target.hostname}:${target.port}`;
  const fail = (reason: string, problem: string) => new SshError(target.name, reason, problem);
  if (verdict && verdict.result.status !== 'known') {
    const print = `${verdict.key.type} key ${fingerprint(verdict.key)}`;
    if (verdict.result.status === 'unknown') return fail('host-key-unknown', `host key of ${name} is not known: ${print}; check it, then re-run with --accept-new to record it in ${target.recordTo}`);
    if (verdict.result.status === 'revoked') return fail('host-key-revoked', `host key of ${name} is revoked (${verdict.result.file}:${verdict.result.line}): ${print}; refusing to connect`);
    return fail('host-key-changed', `host key of ${name} has CHANGED: it now offers ${print}, not the key in ${verdict.result.file}:${verdict.result.line}; this may be an attack, or the host was reinstalled: check, then remove that line`);
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return fail('name-not-resolved', `cannot resolve host name '${target.hostname}'; check address: in the inventory`);
  if (error.code === 'ECONNREFUSED') return fail('connection-refused', `connection refused at ${at}; is sshd running there, on that port?`);
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return fail('unreachable', `no route to ${at}; is the host on the network?`);
  if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT') return fail('timeout', `no answer from ${at} within ${timeoutMs / 1000} s; is the host up?`);
  if (error.level === 'client-authentication') {
    return fail('auth', `authentication refused for user ${target.username} at ${at}; check user: and identityFile: in the inventory, or add the key to the host's authorized_keys`);
  }
  if (/passphrase/i.test(error.message)) return fail('auth', `identity file ${target.identityFile} is encrypted: name the variable holding its passphrase with passphraseEnv:`);
  // Closed (or reset, when our greeting was already there) before sshd's: what sshd does past its MaxStartups.
  if (error.message === 'Connection lost before handshake' || error.code === 'ECONNRESET') return fail('dropped', `sshd at ${at} closed the connection before the login finished: it drops logins past its MaxStartups when many start at once; lower connectConcurrency in the inventory (or pass --concurrency), or raise MaxStartups in the host's sshd_config`);
  return fail('connect', `cannot connect to ${at} (${error.message})`);
}
