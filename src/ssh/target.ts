import {existsSync} from 'node:fs';
import {homedir, userInfo} from 'node:os';
import {basename, dirname, resolve} from 'node:path';
import {findInventoryFile} from '../config/ansible.js';
import {expandHome, type Host} from '../config/inventory.js';
import {shellQuote} from '../text/shell-quote.js';
import {readSshConfig, type SshConfigEntry} from './ssh-config.js';
import {type Connection, expandTokens, PATH_TOKENS} from './tokens.js';

/** Everything needed to reach one host, with ~/.ssh/config and the inventory's defaults applied. */
export interface SshTarget {
  /** The inventory's name for the host, used in every message. */
  name: string;
  hostname: string;
  port: number;
  username: string;
  identityFile?: string;
  passphraseEnv?: string;
  /** Checked together: the inventory's knownHosts, then OpenSSH's default UserKnownHostsFile and GlobalKnownHostsFile. */
  knownHostsFiles: string[];
  /** Where --accept-new records a key: the inventory's knownHosts file, else ~/.ssh/known_hosts. */
  recordTo: string;
  /** The command that records an unknown key, ready to paste from any command's refusal (bench and train have no --accept-new). */
  acceptNewCommand: string;
  connectTimeoutMs: number;
  /** For a host of a lab's inventory (lab-inventory.yaml), the check that tells whether its lab is up. */
  labCheck?: string;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** The host's own fields win, then ~/.ssh/config for its address, then the inventory's defaults, as OpenSSH orders them. */
export function resolveTarget(host: Host, sshConfigFile?: string): SshTarget {
  const alias = host.address!;
  const config = readSshConfig(alias, sshConfigFile);
  const defaults = host.defaults ?? {};
  const connection = {
    alias,
    host: config.hostName ?? alias,
    port: host.port ?? config.port ?? defaults.port ?? 22,
    user: host.user ?? config.user ?? defaults.user ?? userInfo().username,
  };
  const identity = identityOf(host, config, connection);
  return {
    name: host.name,
    hostname: connection.host,
    port: connection.port,
    username: connection.user,
    ...(identity ? {identityFile: identity} : {}),
    ...((host.passphraseEnv ?? defaults.passphraseEnv)
      ? {passphraseEnv: host.passphraseEnv ?? defaults.passphraseEnv}
      : {}),
    knownHostsFiles: [
      ...(host.knownHosts ? [host.knownHosts] : []),
      `${homedir()}/.ssh/known_hosts`,
      `${homedir()}/.ssh/known_hosts2`,
      ...globalKnownHostsFiles(),
    ],
    recordTo: host.knownHosts ?? `${homedir()}/.ssh/known_hosts`,
    acceptNewCommand: `cluster status${inventoryFlag(host)} --hosts ${shellQuote(host.name)} --accept-new`,
    connectTimeoutMs: host.connectTimeoutMs ?? 10_000,
    ...labCheckOf(host),
  };
}

/** A lab's hosts are down with their lab (after lab down, or a reboot): the inventory lab up wrote says which lab. */
function labCheckOf(host: Host): {labCheck?: string} {
  if (!host.inventoryFile || basename(host.inventoryFile) !== 'lab-inventory.yaml') return {};
  return {labCheck: `cluster lab status --dir ${shellQuote(dirname(host.inventoryFile))}`};
}

/**
 * OpenSSH's GlobalKnownHostsFile: a key recorded there alone must make another key CHANGED, not unknown.
 * CLUSTER_GLOBAL_KNOWN_HOSTS (space-separated paths) replaces it, so that tests never read the machine's /etc/ssh.
 */
function globalKnownHostsFiles(): string[] {
  const named = process.env.CLUSTER_GLOBAL_KNOWN_HOSTS?.trim();
  return named ? named.split(/\s+/) : ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
}

/** `--inventory FILE` when the host's inventory is not the one commands find by default, so a pasted command reaches it. */
export function inventoryFlag(host: Host): string {
  return host.inventoryFile && resolve(host.inventoryFile) !== resolve(findInventoryFile('inventory.yaml'))
    ? ` --inventory ${shellQuote(host.inventoryFile)}`
    : '';
}

/** The inventory's identity file, else ssh_config's with its tokens expanded as ssh does, else the first default key there is. */
function identityOf(host: Host, config: SshConfigEntry, connection: Connection): string | undefined {
  if (host.identityFile) return expandHome(host.identityFile);
  if (config.identityFile) return expandTokens(config.identityFile.value, PATH_TOKENS, connection, config.identityFile);
  if (host.defaults?.identityFile) return expandHome(host.defaults.identityFile);
  return DEFAULT_KEYS.map((key) => expandHome(`~/.ssh/${key}`)).find((key) => existsSync(key));
}
