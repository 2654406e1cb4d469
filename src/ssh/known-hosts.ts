import {createHash, createHmac} from 'node:crypto';
import {existsSync, mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import {InputError} from '../errors.js';
import {appendToFile} from '../files/append.js';
import {readTextFile} from '../files/read-text.js';
import {LIMITS} from '../limits.js';
import {matchesPatternList} from '../text/host-pattern.js';

/** A host key as the server presented it: its type and its raw public key blob. */
export interface HostKey {
  type: string;
  blob: Buffer;
}

/** `changed`: the line recorded, its key type, and whether it names this host alone (so `ssh-keygen -R` removes only it). */
export type HostKeyVerdict =
  | {status: 'known'}
  | {status: 'unknown'}
  | {status: 'changed'; file: string; line: number; recordedType: string; exact: boolean}
  | {status: 'revoked'; file: string; line: number};

interface Entry {
  file: string;
  line: number;
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string;
  type: string;
  blob: Buffer;
}

/** The name OpenSSH files a host under: `host`, or `[host]:port` off port 22, lowercased as ssh lowercases the host. */
export function knownHostsName(host: string, port: number): string {
  return lowercased(port === 22 ? host : `[${host}]:${port}`);
}

// OpenSSH matches and hashes the lowercased name: LOCALHOST must find, and be recorded as, localhost.
function lowercased(name: string): string {
  return name.toLowerCase();
}

/** SHA256:base64 without padding, as `ssh-keygen -lf` and OpenSSH's prompts show it. */
export function fingerprint(key: HostKey): string {
  return `SHA256:${createHash('sha256').update(key.blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/**
 * Checks a host key against known_hosts files as OpenSSH does: plain, wildcard, negated and hashed
 * (`|1|salt|hash`) names, `[host]:port` entries, @revoked lines. Any live key recorded under the
 * name that the server did not present, whatever its type, makes this a changed key: a man in the
 * middle who shows another type must not pass for a new host.
 */
export function checkHostKey(files: readonly string[], name: string, key: HostKey): HostKeyVerdict {
  name = lowercased(name);
  const entries = files
    .flatMap(readEntries)
    .filter((entry) => entry.marker !== '@cert-authority' && matchesName(entry.patterns, name));
  const revoked = entries.find((entry) => entry.marker === '@revoked' && entry.blob.equals(key.blob));
  if (revoked) return {status: 'revoked', file: revoked.file, line: revoked.line};
  const live = entries.filter((entry) => entry.marker === '');
  if (live.some((entry) => entry.type === key.type && entry.blob.equals(key.blob))) return {status: 'known'};
  const changed = live.find((entry) => entry.type === key.type) ?? live[0];
  if (!changed) return {status: 'unknown'};
  const exact = changed.patterns.startsWith('|1|') || changed.patterns.toLowerCase() === name;
  return {status: 'changed', file: changed.file, line: changed.line, recordedType: changed.type, exact};
}

/** Records a key (like StrictHostKeyChecking=accept-new): one new line, the file made if need be. */
export function appendHostKey(file: string, name: string, key: HostKey): void {
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), {recursive: true, mode: 0o700});
  const text = existsSync(file) ? readKnownHosts(file) : '';
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  appendToFile(file, `${separator}${lowercased(name)} ${key.type} ${key.blob.toString('base64')}\n`, 0o600);
}

/**
 * The key types recorded for `name`, and the host key algorithms to offer with them first, as
 * OpenSSH orders them: a host whose ecdsa key only is recorded is asked for that one, not refused
 * as unknown because it would rather show its ed25519 key. Empty when nothing is recorded.
 */
export function hostKeyAlgorithmsFor(files: readonly string[], name: string): string[] {
  const recorded = new Set(
    files
      .flatMap(readEntries)
      .filter((entry) => entry.marker === '' && matchesName(entry.patterns, lowercased(name)))
      .flatMap((entry) => ALGORITHMS_OF[entry.type] ?? []),
  );
  if (recorded.size === 0) return [];
  return [
    ...recorded,
    ...Object.values(ALGORITHMS_OF)
      .flat()
      .filter((algorithm) => !recorded.has(algorithm)),
  ];
}

/** Key types and the host key algorithms that prove them (an RSA key signs three ways), in ssh2's default order. */
const ALGORITHMS_OF: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** A missing file is an empty one, as for OpenSSH; one that cannot be read is an error, never taken as empty. */
function readEntries(file: string): Entry[] {
  let text: string;
  try {
    text = readKnownHosts(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: Entry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    const marker =
      fields[0] === '@revoked' || fields[0] === '@cert-authority' ? (fields.shift() as Entry['marker']) : '';
    if (fields.length < 3) return;
    entries.push({
      file,
      line: i + 1,
      marker,
      patterns: fields[0],
      type: fields[1],
      blob: Buffer.from(fields[2], 'base64'),
    });
  });
  return entries;
}

/** Bounded and UTF-8: a known_hosts linked to /dev/zero or a FIFO is refused, never read forever. */
function readKnownHosts(file: string): string {
  const fix = 'make it a file you can read, or name another with knownHosts: in the inventory';
  try {
    return readTextFile(file, {limit: LIMITS.sshFileBytes, what: 'a known_hosts file', tooLargeFix: fix});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof InputError || code === 'ENOENT') throw error;
    throw new InputError({
      file,
      problem: `cannot read this known_hosts file (${code ?? (error as Error).message})`,
      fix,
    });
  }
}

function matchesName(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return matchesPatternList(patterns.split(','), name);
}
