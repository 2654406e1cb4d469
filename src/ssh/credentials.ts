import {readFileSync} from 'node:fs';
import ssh2, {type AnyAuthMethod, type IdentityCallback, type ParsedKey} from 'ssh2';

// ssh2 is CommonJS, and Node finds only some of its exports by name.
const {OpenSSHAgent, utils} = ssh2;
import {InputError} from '../errors.js';
import {readBounded} from '../files/read-text.js';
import {formatBytes, LIMITS} from '../limits.js';
import {SshError} from './ssh-error.js';
import type {SshTarget} from './target.js';

/** How to log in to one host: ssh2's methods in OpenSSH's order, and why the identity file is not among them, if it is not. */
export interface Credentials {
  methods: AnyAuthMethod[];
  /** The agent's socket, when there is one. */
  agent?: string;
  /** What kept the identity file out (encrypted without its passphrase, unreadable...), said if every method fails. */
  fileProblem?: string;
}

/**
 * The agent first, its identity for the identity file ahead of its others, then the file, as
 * OpenSSH does: a passphrase-protected key loaded with ssh-add logs in without its passphrase.
 * The file is parsed here, so an encrypted one without its passphrase stops us only with no agent.
 */
export function credentials(target: SshTarget, env: NodeJS.ProcessEnv = process.env): Credentials {
  const agent = env.SSH_AUTH_SOCK || undefined;
  const file = target.identityFile
    ? loadIdentity(target, env)
    : {problem: 'no identity file was found (~/.ssh/id_ed25519, id_ecdsa, id_rsa)'};
  if (!agent && !file.key) {
    const fix = target.identityFile
      ? ''
      : '; set identityFile: in the inventory, or start ssh-agent and add your key with ssh-add';
    throw new SshError(target.name, 'auth', `${file.problem}${fix}`);
  }
  const username = target.username;
  const methods: AnyAuthMethod[] = [{type: 'none', username}];
  if (agent) methods.push({type: 'agent', username, agent: new PreferringAgent(agent, file.publicKey)});
  if (file.key) methods.push({type: 'publickey', username, key: file.key});
  return {methods, ...(agent ? {agent} : {}), ...(file.problem ? {fileProblem: file.problem} : {})};
}

interface Identity {
  key?: ParsedKey;
  /** Its public key blob, known even when the private key is encrypted: the agent's copy is tried first. */
  publicKey?: Buffer;
  problem?: string;
}

function loadIdentity(target: SshTarget, env: NodeJS.ProcessEnv): Identity {
  const file = target.identityFile!;
  let bytes: Buffer;
  try {
    bytes = readIdentityFile(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    return {
      problem: `cannot read the identity file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check identityFile: in the inventory`,
    };
  }
  const passphrase = target.passphraseEnv ? env[target.passphraseEnv] : undefined;
  const parsed = utils.parseKey(bytes, passphrase || undefined);
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
  if (!(key instanceof Error) && key.isPrivateKey()) return {key, publicKey: key.getPublicSSH()};
  const publicKey = publicKeyOf(file, bytes);
  if (key instanceof Error) return {publicKey, problem: parseProblem(target, key.message, passphrase)};
  return {
    publicKey,
    problem: `the identity file ${file} holds a public key, not a private one; name the private key (without .pub) with identityFile: in the inventory`,
  };
}

/** What to say of a key ssh2 could not read: the passphrase's variable, named as the inventory names it. */
function parseProblem(target: SshTarget, message: string, passphrase: string | undefined): string {
  const file = target.identityFile!;
  const orAgent = `or add the key to ssh-agent with: ssh-add ${file}`;
  const variable = target.passphraseEnv;
  if (/no passphrase given/i.test(message)) {
    if (!variable)
      return `the identity file ${file} is encrypted and no passphraseEnv: names the variable that holds its passphrase; set passphraseEnv: in the inventory, ${orAgent}`;
    const state = passphrase === undefined ? 'is not set' : 'is empty';
    return `the identity file ${file} is encrypted and ${variable}, the variable its passphraseEnv: names, ${state}; export ${variable} with the key's passphrase, ${orAgent}`;
  }
  if (/passphrase|integrity check|decrypt/i.test(message)) {
    return `the passphrase in ${variable ?? 'passphraseEnv'} does not decrypt the identity file ${file}; put the right one in ${variable} (ssh-keygen -y -f ${file} asks for it and says if it is wrong), ${orAgent}`;
  }
  return `cannot use the identity file ${file} (${message}); check identityFile: in the inventory`;
}

/** A private key is a few KiB: a FIFO or a device named as one is refused, never read forever. */
function readIdentityFile(file: string): Buffer {
  const tooLarge = () =>
    new InputError({
      file,
      problem: `the file is larger than the ${formatBytes(LIMITS.sshFileBytes)} an identity file may be`,
      fix: 'name your private key with identityFile: in the inventory',
    });
  return readBounded(file, LIMITS.sshFileBytes, tooLarge);
}

/** The public half of an identity: `file.pub`, else the unencrypted header of an OpenSSH private key, as `ssh` reads it. */
function publicKeyOf(file: string, bytes: Buffer): Buffer | undefined {
  try {
    const blob = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/)[1];
    if (blob) return Buffer.from(blob, 'base64');
  } catch {
    // No .pub beside it: the private key's own header may still say.
  }
  return openSshPublicKey(bytes);
}

const OPENSSH_MAGIC = 'openssh-key-v1\0';

/** openssh-key-v1: magic, cipher, kdf, kdf options, key count, then the first public key, all in the clear. */
export function openSshPublicKey(bytes: Buffer): Buffer | undefined {
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([^-]+)-----END OPENSSH PRIVATE KEY-----/.exec(
    bytes.toString('latin1'),
  );
  if (!body) return undefined;
  const raw = Buffer.from(body[1].replace(/\s+/g, ''), 'base64');
  if (raw.subarray(0, OPENSSH_MAGIC.length).toString('latin1') !== OPENSSH_MAGIC) return undefined;
  let at = OPENSSH_MAGIC.length;
  const next = (): Buffer | undefined => {
    if (at + 4 > raw.length) return undefined;
    const length = raw.readUInt32BE(at);
    const field = raw.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return field.length === length ? field : undefined;
  };
  for (let i = 0; i < 3; i++) if (!next()) return undefined;
  at += 4;
  return next();
}

/** The agent's identities with the identity file's own first: a dozen keys in the agent must not use up the host's MaxAuthTries. */
class PreferringAgent extends OpenSSHAgent {
  constructor(
    socket: string,
    private readonly preferred: Buffer | undefined,
  ) {
    super(socket);
  }

  override getIdentities(cb: IdentityCallback<ParsedKey>): void {
    super.getIdentities((error, keys) => {
      if (error || !keys || !this.preferred) return cb(error, keys);
      // OpenSSHAgent's keys are parsed keys, whatever the typings allow.
      const first = (key: (typeof keys)[number]) => ((key as ParsedKey).getPublicSSH().equals(this.preferred!) ? 0 : 1);
      cb(
        null,
        [...keys].sort((a, b) => first(a) - first(b)),
      );
    });
  }
}
