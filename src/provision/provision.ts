import {randomBytes} from 'node:crypto';
import type {Host} from '../config/inventory.js';
import {describeError, HostError, InputError} from '../errors.js';
import {remoteCommand, shellQuote} from '../text/shell-quote.js';
import {type ConnectOptions, SshError, SshSession} from '../ssh/session.js';
import {loginBannerHint} from '../ssh/banner.js';
import {resolveTarget} from '../ssh/target.js';
import {DEFAULT_CONCURRENCY, mapBounded} from '../transport/fan-out.js';
import {bundlePathIn, workerBundle} from '../transport/bundle.js';
import {type HostFacts, nodeProblem, probeHost} from './probe.js';

export interface ProvisionResult {
  host: string;
  ok: boolean;
  /** Bytes of the bundle sent; 0 when the host was already up to date. */
  bytesTransferred: number;
  upToDate: boolean;
  facts?: HostFacts;
  workerPath?: string;
  error: string | null;
  reason?: string;
}

/** Provisions the ssh hosts a few at a time (sshd drops logins past MaxStartups), one failure not stopping the others. */
export async function provisionHosts(
  hosts: readonly Host[],
  options: ConnectOptions & {concurrency?: number; onStep?: (host: string, step: string) => void},
): Promise<ProvisionResult[]> {
  return mapBounded(hosts, options.concurrency ?? DEFAULT_CONCURRENCY, (host) =>
    provisionHost(host, options, (step) => options.onStep?.(host.name, step)),
  );
}

async function provisionHost(
  host: Host,
  options: ConnectOptions,
  step: (text: string) => void,
): Promise<ProvisionResult> {
  if (host.transport === 'local') {
    step('local: nothing to install');
    return {host: host.name, ok: true, bytesTransferred: 0, upToDate: true, error: null};
  }
  let session: SshSession | undefined;
  try {
    step('connecting');
    session = await SshSession.connect(resolveTarget(host), options);
    return await installWorker(session, host, step);
  } catch (error) {
    // Bad input (an ssh config or known_hosts we cannot use) is the user's to fix, not this host's failure.
    if (error instanceof InputError) throw error;
    return failed(host, error, step);
  } finally {
    session?.close();
  }
}

/** Checks the host can run the worker, and sends it unless the host has this very bundle already. */
async function installWorker(session: SshSession, host: Host, step: (text: string) => void): Promise<ProvisionResult> {
  step('reading what the host is');
  const facts = await probeHost(session);
  if (session.loginBanner !== undefined) step(`warning: ${loginBannerHint(session.loginBanner)}`);
  const missing = nodeProblem(facts);
  if (missing) throw new SshError(host.name, missing.reason, missing.problem);
  const bundle = workerBundle();
  const path = bundlePathIn(facts.cacheDir, bundle.version);
  if ((await remoteSha256(session, path)) === bundle.sha256) {
    step('worker up to date, nothing sent');
    return {host: host.name, ok: true, bytesTransferred: 0, upToDate: true, facts, workerPath: path, error: null};
  }
  step(`uploading the worker (${(bundle.bytes.length / 1024).toFixed(0)} KiB)`);
  await upload(session, path, bundle.bytes);
  const written = await remoteSha256(session, path);
  if (written !== bundle.sha256)
    throw new SshError(
      host.name,
      'checksum',
      `the uploaded worker's sha256 is ${written || 'unreadable'}, expected ${bundle.sha256}; provision again`,
    );
  step('worker installed and checked');
  const sent = bundle.bytes.length;
  return {host: host.name, ok: true, bytesTransferred: sent, upToDate: false, facts, workerPath: path, error: null};
}

function failed(host: Host, error: unknown, step: (text: string) => void): ProvisionResult {
  const message = describeError(
    error instanceof HostError ? error : new HostError(host.name, (error as Error).message),
  );
  step(`failed: ${message}`);
  return {
    host: host.name,
    ok: false,
    bytesTransferred: 0,
    upToDate: false,
    error: message,
    reason: error instanceof SshError ? error.reason : 'error',
  };
}

export async function remoteSha256(session: SshSession, path: string): Promise<string | undefined> {
  const {code, stdout} = await session.exec(remoteCommand(['sha256sum', '--', path]));
  return code === 0 ? stdout.split(/\s/)[0] : undefined;
}

/**
 * To a temporary name, then renamed into place: a host never sees half a worker under the real
 * name. Through an exec channel, not SFTP: an sftp-server started through a shell that prints at
 * login cannot work, and some hosts have no SFTP at all.
 */
async function upload(session: SshSession, path: string, bytes: Buffer): Promise<void> {
  const folder = path.slice(0, path.lastIndexOf('/'));
  const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const [dir, partial, whole] = [folder, temporary, path].map(shellQuote);
  // noclobber: the random name is created exclusively (O_EXCL), never written through a link planted there.
  const script = `umask 022; set -C; mkdir -p -- ${dir} && cat > ${partial} && mv -f -- ${partial} ${whole} || { s=$?; rm -f -- ${partial}; exit $s; }`;
  const sent = await session.exec(script, bytes);
  if (sent.code !== 0)
    throw new SshError(
      session.target.name,
      'upload',
      `cannot write the worker to ${path} (exit ${sent.code}: ${sent.stderr.trim().split('\n').at(-1) ?? ''}); check that the user can write there and the disk is not full`,
    );
}
