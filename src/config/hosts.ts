// Hosts as every inventory format builds them: the Host type, names and ranges, fields merged from
// defaults, groups and the host's own entry. Each format's reader (own YAML, Ansible YAML, INI) imports this.
import {homedir} from 'node:os';
import {coresLimit} from '../limits.js';
import {CONTROL_CHARACTER, printable} from '../text/printable.js';
import {FieldReader} from './fields.js';
import {expandRange, HostRangeError, MAX_HOSTS} from './host-range.js';
import {type Layer, mergeLayers} from './layers.js';
import type {FieldPath, FieldSource} from './yaml-source.js';

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
  /** Set when the inventory gives no cores: the host's CPUs decide (see config/host-cores.ts). */
  coresFrom?: 'host';
  labels: string[];
  /** The inventory's defaults, which ~/.ssh/config overrides. */
  defaults?: SshLogin;
  /** Extra known_hosts file named by the inventory, checked before ~/.ssh/known_hosts. */
  knownHosts?: string;
  /** How long to wait for an ssh host to answer. */
  connectTimeoutMs?: number;
  /** The interpreter the dask engine runs there. */
  python?: string;
  /** The inventory file the host was read from, for the commands a message tells the user to run. */
  inventoryFile?: string;
}

export interface Inventory {
  file: string;
  hosts: Map<string, Host>;
  /** Each group's hosts (its subgroups' included), for --hosts. */
  groups: Map<string, string[]>;
  /** The coordinator's Python for the dask engine; by default the first python3 that imports sklearn and distributed. */
  python?: string;
  /** How many hosts a command reaches at once (DEFAULT_CONCURRENCY when unset). */
  connectConcurrency?: number;
  /** Where each host is written, for errors that point back at it. */
  source: FieldSource;
}

export const LOGIN_FIELDS = ['port', 'user', 'identityFile', 'passphraseEnv'] as const;
export const HOST_FIELDS = ['transport', 'address', 'cores', 'labels', 'python', ...LOGIN_FIELDS] as const;
export const DEFAULT_FIELDS = ['transport', 'cores', 'labels', 'python', ...LOGIN_FIELDS] as const;
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const FIX = 'see docs/inventories.md';

/** Collects hosts from entries that may be ranges, merging defaults, group fields and the host's own. */
export class HostsBuilder {
  readonly hosts = new Map<string, Host>();
  readonly groups = new Map<string, string[]>();
  private readonly defaultLogin: SshLogin;

  constructor(
    private readonly read: FieldReader,
    private readonly defaults: Layer,
    /** nameIsAddress: an ssh host without an address is reached by its name (Ansible's rule). */
    private readonly extra: {knownHosts?: string; connectTimeoutMs?: number; nameIsAddress?: boolean},
  ) {
    this.defaultLogin = readLogin(read, defaults);
  }

  /** `key` is a host name or a range such as rpi[1:4]; `groups` are the groups it belongs to. */
  add(key: string, path: FieldPath, own: Layer, groupLayers: Layer[], groups: string[]): void {
    const {read} = this;
    const names = expandNames(read, key, path);
    const personal = mergeLayers([...groupLayers, own]);
    const merged = mergeLayers([this.defaults, personal]);
    for (const name of names) {
      if (this.hosts.has(name))
        throw read.source.error(
          path,
          `host '${name}' is defined twice`,
          'define each host once; list it in one place',
          'key',
        );
      if (this.hosts.size >= MAX_HOSTS)
        throw read.source.error(path, `more than ${MAX_HOSTS} hosts`, 'an inventory describes at most that many hosts');
      const host = readHost(read, name, merged, {
        path,
        addressFromName: key !== name || Boolean(this.extra.nameIsAddress),
      });
      if (host.transport === 'ssh') {
        Object.assign(
          host,
          readLogin(read, personal),
          {defaults: this.defaultLogin},
          this.extra.knownHosts ? {knownHosts: this.extra.knownHosts} : {},
          this.extra.connectTimeoutMs ? {connectTimeoutMs: this.extra.connectTimeoutMs} : {},
        );
      }
      this.hosts.set(name, host);
      for (const group of groups) this.groups.set(group, [...(this.groups.get(group) ?? []), name]);
    }
  }
}

export function expandNames(read: FieldReader, key: string, path: FieldPath): string[] {
  let names: string[];
  try {
    names = expandRange(key);
  } catch (error) {
    if (!(error instanceof HostRangeError)) throw error;
    const ranges = `ranges look like rpi[1:4] or node[01:16], at most ${MAX_HOSTS} hosts`;
    throw read.source.error(
      path,
      error.message,
      error.suggestion === undefined ? ranges : `write ${error.suggestion}; ${ranges}`,
      'key',
    );
  }
  for (const name of names) {
    if (!NAME.test(name))
      throw read.source.error(
        path,
        `host name '${name}' is not allowed`,
        'use letters, digits, dot, dash and underscore',
        'key',
      );
  }
  return names;
}

function readLogin(read: FieldReader, fields: Layer): SshLogin {
  const login: SshLogin = {};
  const port = fields.get('port');
  if (port !== undefined) {
    login.port = read.positiveInteger(port.path, port.value, 'use a port between 1 and 65535');
    if (login.port > 65535)
      throw read.source.error(port.path, `port ${login.port} is out of range`, 'use a port between 1 and 65535');
  }
  const user = fields.get('user');
  if (user !== undefined) login.user = read.string(user.path, user.value);
  const identityFile = fields.get('identityFile');
  if (identityFile !== undefined) login.identityFile = read.string(identityFile.path, identityFile.value);
  const passphraseEnv = fields.get('passphraseEnv');
  if (passphraseEnv !== undefined)
    login.passphraseEnv = read.string(
      passphraseEnv.path,
      passphraseEnv.value,
      'name an environment variable; never write a passphrase here',
    );
  return login;
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

/** `merged` has every layer applied, each field remembering where it was written. */
function readHost(
  read: FieldReader,
  name: string,
  merged: Layer,
  where: {path: FieldPath; addressFromName: boolean},
): Host {
  const transportField = merged.get('transport');
  const transport =
    transportField === undefined
      ? 'ssh'
      : read.oneOf(transportField.path, transportField.value, TRANSPORTS, 'transport');
  const coresField = merged.get('cores');
  const cores =
    coresField === undefined
      ? 1
      : read.boundedInteger(
          coresField.path,
          coresField.value,
          ...coresLimit(transport),
          'cores is how many trees the host trains at once',
        );
  const labelsField = merged.get('labels');
  const labels = labelsField === undefined ? [] : readLabels(read, labelsField.path, labelsField.value);
  const host: Host = {
    name,
    transport,
    cores,
    labels,
    ...(coresField === undefined ? {coresFrom: 'host' as const} : {}),
  };
  const pythonField = merged.get('python');
  if (pythonField !== undefined) host.python = read.string(pythonField.path, pythonField.value);
  if (transport === 'local') return host;
  const addressField = merged.get('address');
  if (addressField === undefined) {
    // A host of a range, or of an Ansible inventory, is reached by its name, as Ansible does.
    if (where.addressFromName) return {...host, address: name};
    throw read.source.error(
      where.path,
      `ssh host '${name}' has no address`,
      `add address: (an IP, a host name or a ~/.ssh/config alias), or set transport: local; ${FIX}`,
    );
  }
  host.address = read.string(addressField.path, addressField.value);
  if (!/^[A-Za-z0-9._:%-]+$/.test(host.address))
    throw read.source.error(
      addressField.path,
      `address '${host.address}' is not a host name or IP`,
      'use letters, digits, dots, dashes and colons',
    );
  return host;
}

const LABEL_FIX = 'a label is one line of printable text, e.g. labels: [Raspberry Pi 4 (4GB)]';

/** Any printable text (bench quotes what needs it), but no line break or control character: a label is a cell of every report. */
function readLabels(read: FieldReader, path: FieldPath, value: unknown): string[] {
  return read.array(path, value, 'labels').map((item, i) => {
    const label = read.string([...path, i], item, LABEL_FIX);
    if (CONTROL_CHARACTER.test(label))
      throw read.source.error([...path, i], `label '${printable(label)}' holds a control character`, LABEL_FIX);
    return label;
  });
}

/** A short name for the kind of machine, used to group hosts in the Hardware column. */
export function hardwareKind(host: Host): string {
  return host.labels[0] ?? host.name;
}
