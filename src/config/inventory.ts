import {homedir} from 'node:os';
import {dirname, resolve} from 'node:path';
import {FieldReader} from './fields.js';
import {SHIPPED_INVENTORY_EXAMPLE} from './shipped.js';
import {YamlSource} from './yaml-source.js';

export const TRANSPORTS = ['ssh', 'local'] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

/** How to log in; fields a host leaves out come from ~/.ssh/config, then from the inventory's defaults. */
export interface SshLogin {
  port?: number;
  user?: string;
  identityFile?: string;
  /** Name of the environment variable that holds the identity file's passphrase. */
  passphraseEnv?: string;
}

export interface Host extends SshLogin {
  name: string;
  transport: TransportKind;
  /** Network address, name or ~/.ssh/config alias; only for ssh hosts. */
  address?: string;
  /** How many trees the host trains at once. */
  cores: number;
  labels: string[];
  /** The inventory's defaults, which ~/.ssh/config overrides. */
  defaults?: SshLogin;
  /** Extra known_hosts file named by the inventory, checked before ~/.ssh/known_hosts. */
  knownHosts?: string;
  /** How long to wait for an ssh host to answer. */
  connectTimeoutMs?: number;
}

export interface Inventory {
  file: string;
  hosts: Map<string, Host>;
  /** Where each host is written, for errors that point back at it. */
  source: YamlSource;
}

const LOGIN_FIELDS = ['port', 'user', 'identityFile', 'passphraseEnv'] as const;
const HOST_FIELDS = ['transport', 'address', 'cores', 'labels', ...LOGIN_FIELDS] as const;
const DEFAULT_FIELDS = ['transport', 'cores', 'labels', ...LOGIN_FIELDS] as const;
const TOP_FIELDS = ['defaults', 'hosts', 'knownHosts', 'connectTimeout'] as const;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const FIX = 'see "Inventory" in the README';

export function loadInventory(file: string): Inventory {
  return parseInventory(YamlSource.read(file, 'inventory file', `run: cluster init (writes inventory.yaml for this machine), or pass --inventory FILE; an example with SSH hosts: ${SHIPPED_INVENTORY_EXAMPLE}`));
}

export function parseInventory(source: YamlSource): Inventory {
  const read = new FieldReader(source);
  const top = read.object([], source.data, 'an inventory');
  read.knownKeys([], top, TOP_FIELDS);
  const defaults = top.defaults === undefined ? {} : read.object(['defaults'], top.defaults, 'defaults');
  read.knownKeys(['defaults'], defaults, DEFAULT_FIELDS);
  const entries = read.object(['hosts'], top.hosts, 'hosts');
  if (Object.keys(entries).length === 0) throw source.error(['hosts'], 'no hosts', 'add at least one host under hosts:');

  const knownHosts = top.knownHosts === undefined ? undefined : resolve(dirname(source.file), expandHome(read.string(['knownHosts'], top.knownHosts)));
  const loginDefaults = readLogin(read, ['defaults'], defaults);
  const connectTimeoutMs = top.connectTimeout === undefined ? undefined : 1000 * read.positiveInteger(['connectTimeout'], top.connectTimeout, 'seconds to wait for an ssh host to answer');
  const hosts = new Map<string, Host>();
  for (const [name, entry] of Object.entries(entries)) {
    if (!NAME.test(name)) {
      throw source.error(['hosts', name], `host name '${name}' is not allowed`, 'use letters, digits, dot, dash and underscore', 'key');
    }
    const fields = read.object(['hosts', name], entry ?? {}, `host ${name}`);
    read.knownKeys(['hosts', name], fields, HOST_FIELDS);
    const host = readHost(read, name, {...defaults, ...fields}, fields);
    if (host.transport === 'ssh') Object.assign(host, readLogin(read, ['hosts', name], fields), {defaults: loginDefaults}, knownHosts ? {knownHosts} : {}, connectTimeoutMs ? {connectTimeoutMs} : {});
    hosts.set(name, host);
  }
  return {file: source.file, hosts, source};
}

function readLogin(read: FieldReader, path: string[], fields: Record<string, unknown>): SshLogin {
  const login: SshLogin = {};
  if (fields.port !== undefined) {
    login.port = read.positiveInteger([...path, 'port'], fields.port);
    if (login.port > 65535) throw read.source.error([...path, 'port'], `port ${login.port} is out of range`, 'use a port between 1 and 65535');
  }
  if (fields.user !== undefined) login.user = read.string([...path, 'user'], fields.user);
  if (fields.identityFile !== undefined) login.identityFile = read.string([...path, 'identityFile'], fields.identityFile);
  if (fields.passphraseEnv !== undefined) login.passphraseEnv = read.string([...path, 'passphraseEnv'], fields.passphraseEnv, 'name an environment variable; never write a passphrase here');
  return login;
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/** `merged` has the defaults applied; `own` is what the host itself wrote, for pointing at the right line. */
function readHost(read: FieldReader, name: string, merged: Record<string, unknown>, own: Record<string, unknown>): Host {
  const at = (field: string) => (field in own ? ['hosts', name, field] : ['defaults', field]);
  const transport = merged.transport === undefined ? 'ssh' : read.oneOf(at('transport'), merged.transport, TRANSPORTS, 'transport');
  const cores = merged.cores === undefined ? 1 : read.positiveInteger(at('cores'), merged.cores, 'cores is how many trees the host trains at once');
  const labels = merged.labels === undefined ? [] : read.array(at('labels'), merged.labels, 'labels').map((label, i) => read.string([...at('labels'), i], label));
  const host: Host = {name, transport, cores, labels};
  if (transport === 'local') return host;
  if (merged.address === undefined) {
    throw read.source.error(['hosts', name], `ssh host '${name}' has no address`, `add address: (an IP, a host name or a ~/.ssh/config alias), or set transport: local; ${FIX}`);
  }
  host.address = read.string(at('address'), merged.address);
  if (!/^[A-Za-z0-9._:%-]+$/.test(host.address)) throw read.source.error(at('address'), `address '${host.address}' is not a host name or IP`, 'use letters, digits, dots, dashes and colons');
  return host;
}

/** A short name for the kind of machine, used to group hosts in the Hardware column. */
export function hardwareKind(host: Host): string {
  return host.labels[0] ?? host.name;
}
