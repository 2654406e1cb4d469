import {lookup} from 'node:dns/promises';
import {isIP} from 'node:net';
import type {Readable} from 'node:stream';
import {Client, type ClientChannel, type ConnectConfig} from 'ssh2';
import {describe} from '../config/fields.js';
import {BannerCut, cutStream, markedCommand} from './banner.js';
import {
  appendHostKey,
  checkHostKey,
  fingerprint,
  type HostKey,
  type HostKeyVerdict,
  hostKeyAlgorithmsFor,
  keyTypeOf,
  knownHostsName,
} from './known-hosts.js';
import {type Credentials, credentials} from './credentials.js';
import {shellQuote} from '../text/shell-quote.js';
import {SshError} from './ssh-error.js';
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

export {SshError};

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
    client.on('error', (error) =>
      this.lose(new SshError(target.name, 'connection-lost', `connection lost (${error.message})`)),
    );
    client.on('close', () => this.lose(new SshError(target.name, 'connection-lost', 'connection closed')));
  }

  static async connect(target: SshTarget, options: ConnectOptions = {}): Promise<SshSession> {
    // Local files first: an unreadable known_hosts or identity file fails here, naming the file.
    const name = knownHostsName(target.hostname, target.port);
    const serverHostKey = hostKeyAlgorithmsFor(target.knownHostsFiles, name);
    const login = credentials(target);
    const attempt: Attempt = {target, address: await resolveAddress(target), name, login, heard: ''};
    const config = connectConfig(attempt, serverHostKey, options);
    return new Promise((resolve, reject) => {
      const client = new Client();
      const started = performance.now();
      let settled = false;
      const fail = (error: ConnectFailure) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(explainConnectError(attempt, error));
      };
      client.once('ready', () => {
        settled = true;
        resolve(new SshSession(target, client, performance.now() - started));
      });
      // `on`, not `once`: ending a failed client can emit a second error, which must not go unhandled.
      client.on('error', (error: ConnectFailure) => {
        // A dead or empty agent is one method failing: ssh2 goes on with the identity file.
        if (error.level === 'agent') attempt.agentProblem = error.message;
        else fail(error);
      });
      // A link that drops after the server's banner closes the socket with no error (and ssh2 stops its ready timer).
      client.once('close', () => fail(new Error('connection closed during the handshake')));
      // On 'connect' ssh2 has not read a byte yet, and attaches its own reader in the next microtask.
      client.once('connect', () => listenToGreeting(client, attempt));
      try {
        client.connect(config);
      } catch (error) {
        fail(error as Error);
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
        resolve({
          code: code ?? null,
          stdout: Buffer.concat(stdout).toString(),
          stderr: Buffer.concat(stderr).toString(),
        });
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
    return new SshError(
      this.target.name,
      'login-shell',
      `the login shell ended (exit ${code}) before running the command${said}; check the user's shell and ~/.bashrc on the host`,
    );
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

/** One connection being made: what explains its failure. */
interface Attempt {
  target: SshTarget;
  /** The host name resolved. */
  address: string;
  /** The host's name in known_hosts. */
  name: string;
  login: Credentials;
  verdict?: {key: HostKey; result: HostKeyVerdict};
  /** Why the agent could not be asked, when it could not. */
  agentProblem?: string;
  /** The first bytes the server sent, up to its SSH identification line. */
  heard: string;
}

type ConnectFailure = Error & {level?: string; code?: string};

/** Resolved before the connect timeout starts, as OpenSSH's ConnectTimeout does: a slow resolver is not a silent host. */
async function resolveAddress(target: SshTarget): Promise<string> {
  if (isIP(target.hostname)) return target.hostname;
  try {
    return (await lookup(target.hostname)).address;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA'
        ? ''
        : ` (${code ?? (error as Error).message})`;
    throw new SshError(
      target.name,
      'name-not-resolved',
      `cannot resolve host name '${target.hostname}'${why}; check address: in the inventory`,
    );
  }
}

/** `serverHostKey`: the recorded key types first, so that a host shows the key known_hosts holds. */
function connectConfig(attempt: Attempt, serverHostKey: string[], options: ConnectOptions): ConnectConfig {
  const {target, name} = attempt;
  return {
    ...(serverHostKey.length > 0
      ? {algorithms: {serverHostKey: serverHostKey as NonNullable<ConnectConfig['algorithms']>['serverHostKey']}}
      : {}),
    host: attempt.address,
    port: target.port,
    username: target.username,
    authHandler: attempt.login.methods,
    readyTimeout: target.connectTimeoutMs,
    keepaliveInterval: KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_MISSES,
    // ssh2 accepts any key without this: the checking is ours.
    hostVerifier: (blob: Buffer) => {
      const key = {type: keyTypeOf(blob), blob: Buffer.from(blob)};
      let result = checkHostKey(target.knownHostsFiles, name, key);
      if (result.status === 'unknown' && options.acceptNew) {
        appendHostKey(target.recordTo, name, key);
        result = {status: 'known'};
      }
      attempt.verdict = {key, result};
      return result.status === 'known';
    },
  };
}

const GREETING_BYTES = 512;

/** Keeps what the server says before its identification: a web server on the port is told apart from silence. */
function listenToGreeting(client: Client, attempt: Attempt): void {
  const socket = (client as unknown as {_sock?: NodeJS.EventEmitter})._sock;
  const listener = (chunk: Buffer) => {
    attempt.heard += chunk.toString('latin1');
    if (attempt.heard.length >= GREETING_BYTES || /(^|\n)SSH-/.test(attempt.heard)) socket?.off('data', listener);
  };
  socket?.on('data', listener);
}

/** The first line a server that is not an SSH server said, when it said anything. */
function notSshGreeting(heard: string): string | undefined {
  if (heard === '' || /(^|\n)SSH-/.test(heard)) return undefined;
  const line = heard.split('\n').find((text) => text.trim() !== '') ?? heard;
  return printable(line.replace(/\r$/, '').slice(0, 80));
}

/** Text from the network as one line of a message: control characters escaped, never sent to the terminal. */
function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u00ff]/g,
    (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** OpenSSH's REMOTE HOST IDENTIFICATION HAS CHANGED, and its fix, which works when pasted. */
function changedKeyProblem(
  name: string,
  print: string,
  changed: Extract<HostKeyVerdict, {status: 'changed'}>,
  accept: string,
): string {
  const where = `${changed.file}:${changed.line}`;
  // ssh-keygen -R deletes every line matching the name: a line naming other hosts too is the user's to edit.
  const remove = changed.exact
    ? `remove the old key with: ssh-keygen -f ${shellQuote(changed.file)} -R ${shellQuote(name)}`
    : `edit line ${changed.line} of ${changed.file} (it also names other hosts)`;
  return `host key of ${name} has CHANGED: it now offers ${print}, not the ${changed.recordedType} key recorded in ${where}; someone may be in the middle (an attack), or the host was reinstalled: check with whoever runs it, and only if the change is expected, ${remove}, then record the new key with: ${accept}`;
}

function explainConnectError(attempt: Attempt, error: ConnectFailure): SshError {
  const {target, name, verdict} = attempt;
  const at = `${target.hostname}:${target.port}`;
  // A lab host that cannot be reached is most often a lab that is not up: say how to tell.
  const lab = (problem: string) =>
    target.labCheck ? `${problem} (a lab host: is the lab up? ${target.labCheck})` : problem;
  const fail = (reason: string, problem: string) =>
    new SshError(
      target.name,
      reason,
      ['connection-refused', 'unreachable', 'timeout', 'dropped', 'connect'].includes(reason) ? lab(problem) : problem,
    );
  if (verdict && verdict.result.status !== 'known') {
    const print = `${verdict.key.type} key ${fingerprint(verdict.key)}`;
    if (verdict.result.status === 'unknown')
      return fail(
        'host-key-unknown',
        `host key of ${name} is not known: ${print}; check it, then record it in ${target.recordTo} with: ${target.acceptNewCommand}`,
      );
    if (verdict.result.status === 'revoked')
      return fail(
        'host-key-revoked',
        `host key of ${name} is revoked (${verdict.result.file}:${verdict.result.line}): ${print}; refusing to connect`,
      );
    return fail('host-key-changed', changedKeyProblem(name, print, verdict.result, target.acceptNewCommand));
  }
  if (error.code === 'ECONNREFUSED')
    return fail('connection-refused', `connection refused at ${at}; is sshd running there, on that port?`);
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH')
    return fail('unreachable', `no route to ${at}; is the host on the network?`);
  const said = notSshGreeting(attempt.heard);
  // sshd past its MaxStartups says 'Exceeded MaxStartups' and hangs up: that is sshd, dropping the login (below).
  if (said !== undefined && !/MaxStartups/i.test(said))
    return fail(
      'not-ssh',
      `${at} answered, but not as an SSH server (it said: ${said}); check that ${target.port} is the host's SSH port (port: in the inventory, or Port in ~/.ssh/config)`,
    );
  if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT')
    return fail('timeout', `no answer from ${at} within ${target.connectTimeoutMs / 1000} s; is the host up?`);
  if (error.level === 'client-authentication') return fail('auth', authProblem(attempt, at));
  // sshd cuts the connection after MaxAuthTries refused keys (the agent's many, say).
  if (/too many authentication failures/i.test(error.message))
    return fail(
      'auth',
      `authentication refused for user ${target.username} at ${at}: the host stopped after too many keys (its MaxAuthTries); name the key it accepts with identityFile: in the inventory and load it with ssh-add, so that the agent offers it first, or unset SSH_AUTH_SOCK so that only that file is tried`,
    );
  // Closed (or reset, when our greeting was already there) before sshd's: what sshd does past its MaxStartups.
  if (error.message === 'Connection lost before handshake' || error.code === 'ECONNRESET')
    return fail(
      'dropped',
      `sshd at ${at} closed the connection before the login finished: it drops logins past its MaxStartups when many start at once; lower connectConcurrency in the inventory (or pass --concurrency), or raise MaxStartups in the host's sshd_config`,
    );
  return fail('connect', `cannot connect to ${at} (${error.message})`);
}

/** Every method refused: when the identity file was not among them, why not, and how to put it right. */
function authProblem(attempt: Attempt, at: string): string {
  const {target, login} = attempt;
  const refused = `authentication refused for user ${target.username} at ${at}`;
  if (!login.fileProblem)
    return `${refused}; check user: and identityFile: in the inventory, or add the key to the host's authorized_keys`;
  const agent = attempt.agentProblem
    ? `ssh-agent (SSH_AUTH_SOCK=${login.agent}) could not be asked (${attempt.agentProblem})`
    : `ssh-agent (SSH_AUTH_SOCK=${login.agent}) holds no key the host accepts`;
  return `${refused}: ${agent}, and ${login.fileProblem}`;
}
