import {FieldReader} from './fields.js';
import {YamlSource} from './yaml-source.js';

export const TRANSPORTS = ['ssh', 'local'] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

export interface Host {
  name: string;
  transport: TransportKind;
  /** Network address or name; only for ssh hosts. */
  address?: string;
  port: number;
  user?: string;
  identityFile?: string;
  /** How many trees the host trains at once. */
  cores: number;
  labels: string[];
}

export interface Inventory {
  file: string;
  hosts: Map<string, Host>;
  /** Where each host is written, for errors that point back at it. */
  source: YamlSource;
}

const HOST_FIELDS = ['transport', 'address', 'port', 'user', 'identityFile', 'cores', 'labels'] as const;
const DEFAULT_FIELDS = ['transport', 'port', 'user', 'identityFile', 'cores', 'labels'] as const;
const TOP_FIELDS = ['defaults', 'hosts'] as const;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const FIX = 'see "Inventory" in the README';

export function loadInventory(file: string): Inventory {
  return parseInventory(YamlSource.read(file, 'inventory file', 'pass --inventory FILE, or create inventory.yaml (see the README)'));
}

export function parseInventory(source: YamlSource): Inventory {
  const read = new FieldReader(source);
  const top = read.object([], source.data, 'an inventory');
  read.knownKeys([], top, TOP_FIELDS);
  const defaults = top.defaults === undefined ? {} : read.object(['defaults'], top.defaults, 'defaults');
  read.knownKeys(['defaults'], defaults, DEFAULT_FIELDS);
  const entries = read.object(['hosts'], top.hosts, 'hosts');
  if (Object.keys(entries).length === 0) throw source.error(['hosts'], 'no hosts', 'add at least one host under hosts:');

  const hosts = new Map<string, Host>();
  for (const [name, entry] of Object.entries(entries)) {
    if (!NAME.test(name)) {
      throw source.error(['hosts', name], `host name '${name}' is not allowed`, 'use letters, digits, dot, dash and underscore', 'key');
    }
    const fields = read.object(['hosts', name], entry ?? {}, `host ${name}`);
    read.knownKeys(['hosts', name], fields, HOST_FIELDS);
    hosts.set(name, readHost(read, name, {...defaults, ...fields}, fields));
  }
  return {file: source.file, hosts, source};
}

/** `merged` has the defaults applied; `own` is what the host itself wrote, for pointing at the right line. */
function readHost(read: FieldReader, name: string, merged: Record<string, unknown>, own: Record<string, unknown>): Host {
  const at = (field: string) => (field in own ? ['hosts', name, field] : ['defaults', field]);
  const transport = merged.transport === undefined ? 'ssh' : read.oneOf(at('transport'), merged.transport, TRANSPORTS, 'transport');
  const cores = merged.cores === undefined ? 1 : read.positiveInteger(at('cores'), merged.cores, 'cores is how many trees the host trains at once');
  const labels = merged.labels === undefined ? [] : read.array(at('labels'), merged.labels, 'labels').map((label, i) => read.string([...at('labels'), i], label));
  const host: Host = {name, transport, cores, labels, port: 22};
  if (transport === 'local') return host;

  if (merged.address === undefined) {
    throw read.source.error(['hosts', name], `ssh host '${name}' has no address`, `add address: (an IP or host name), or set transport: local; ${FIX}`);
  }
  host.address = read.string(at('address'), merged.address);
  if (merged.port !== undefined) {
    host.port = read.positiveInteger(at('port'), merged.port);
    if (host.port > 65535) throw read.source.error(at('port'), `port ${host.port} is out of range`, 'use a port between 1 and 65535');
  }
  if (merged.user !== undefined) host.user = read.string(at('user'), merged.user);
  if (merged.identityFile !== undefined) host.identityFile = read.string(at('identityFile'), merged.identityFile);
  return host;
}

/** A short name for the kind of machine, used to group hosts in the Hardware column. */
export function hardwareKind(host: Host): string {
  return host.labels[0] ?? host.name;
}
