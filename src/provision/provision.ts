import {randomBytes} from 'node:crypto';
import type {Host} from '../config/inventory.js';
import {describeError, HostError, InputError} from '../errors.js';
import {remoteCommand} from '../ssh/quote.js';
import {type ConnectOptions, SshError, SshSession} from '../ssh/session.js';
import {resolveTarget} from '../ssh/target.js';
import {bundlePathIn, workerBundle} from './bundle.js';
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

/** Provisions every ssh host at once (bounded), one failure not stopping the others. */
export async function provisionHosts(hosts: readonly Host[], options: ConnectOptions & {concurrency?: number; onStep?: (host: string, step: string) => void}): Promise<ProvisionResult[]> {
  return mapBounded(hosts, options.concurrency ?? 4, (host) => provisionHost(host, options, (step) => options.onStep?.(host.name, step)));
}

async function provisionHost(host: Host, options: ConnectOptions, step: (text: string) => void): Promise<ProvisionResult> {
  if (host.transport === 'local') {
    step('local: nothing to install');
    return {host: host.name, ok: true, bytesTransferred: 0, upToDate: true, error: null};
  }
  let session: SshSession | undefined;
  try {
    step('connecting');
    session = await SshSession.connect(resolveTarget(host), options);
    step('reading what the host is');
    const facts = await probeHost(session);
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
    if (written !== bundle.sha256) throw new SshError(host.name, 'checksum', `the uploaded worker's sha256 is ${written || 'unreadable'}, expected ${bundle.sha256}; provision again`);
    step('worker installed and checked');
    return {host: host.name, ok: true, bytesTransferred: bundle.bytes.length, upToDate: false, facts, workerPath: path, error: null};
  } catch (error) {
    // Bad input (an ssh config or known_hosts we cannot use) is the user's to fix, not this host's failure.
    if (error instanceof InputError) throw error;
    const message = describeError(error instanceof HostError ? error : new HostError(host.name, (error as Error).message));
    step(`failed: ${message}`);
    return {host: host.name, ok: false, bytesTransferred: 0, upToDate: false, error: message, reason: error instanceof SshError ? error.reason : 'error'};
  } finally {
    session?.close();
  }
}

export async function remoteSha256(session: SshSession, path: string): Promise<string | undefined> {
  const {code, stdout} = await session.exec(remoteCommand(['sha256sum', '--', path]));
  return code === 0 ? stdout.split(/\s/)[0] : undefined;
}

/**
 * To a temporary name, then renamed into place: a host never sees half a worker under the real name.
 * The name is random and created exclusively (SFTP's EXCL): nothing planted there is written through.
 */
async function upload(session: SshSession, path: string, bytes: Buffer): Promise<void> {
  const folder = path.slice(0, path.lastIndexOf('/'));
  const made = await session.exec(remoteCommand(['mkdir', '-p', '--', folder]));
  if (made.code !== 0) throw new SshError(session.target.name, 'sftp', `cannot create ${folder}: ${made.stderr.trim()}`);
  const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  await session.withSftp(async (sftp) => {
    const fail = (what: string) => (error: Error) => new SshError(session.target.name, 'sftp', `SFTP ${what} failed: ${error.message}`);
    await new Promise<void>((resolve, reject) => sftp.writeFile(temporary, bytes, {mode: 0o644, flag: 'wx'}, (error) => (error ? reject(fail(`upload to ${temporary}`)(error)) : resolve())));
    await new Promise<void>((resolve, reject) =>
      sftp.ext_openssh_rename(temporary, path, (error) => {
        if (!error) return resolve();
        sftp.unlink(temporary, () => reject(fail(`rename to ${path}`)(error)));
      }),
    );
  });
}

async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, run));
  return results;
}
