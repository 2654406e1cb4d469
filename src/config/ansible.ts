import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {describe, FieldReader, quotedNumber} from './fields.js';
import {MAX_HOSTS} from './host-range.js';
import {expandNames, HostsBuilder, type Inventory, NAME} from './hosts.js';
import {type Layer, mergeLayers} from './layers.js';
import type {FieldPath, FieldSource} from './yaml-source.js';

/**
 * An Ansible YAML inventory, read as it is: groups (`all` and the ones under `children`), `vars`
 * shared by a group's hosts and subgroups, host ranges, and the connection variables below.
 */
const GROUP_KEYS = ['hosts', 'children', 'vars'];

// Ansible's names for our fields (the old ansible_ssh_* spellings too). Any other variable belongs
// to Ansible's own playbooks and is left alone.
const VARIABLES: Record<string, string> = {
  ansible_host: 'address',
  ansible_ssh_host: 'address',
  ansible_user: 'user',
  ansible_ssh_user: 'user',
  ansible_port: 'port',
  ansible_ssh_port: 'port',
  ansible_ssh_private_key_file: 'identityFile',
  ansible_connection: 'transport',
  cores: 'cores',
  labels: 'labels',
  passphraseEnv: 'passphraseEnv',
};
const CONNECTIONS: Record<string, string> = {ssh: 'ssh', smart: 'ssh', paramiko: 'ssh', local: 'local'};

interface GroupPart {
  vars: Layer;
  hosts: {key: string; path: FieldPath; value: unknown}[];
  children: string[];
}

/** Ansible's layout: every top-level key a group (`all` first of all) holding only hosts, children and vars. */
export function isAnsibleInventory(data: unknown): boolean {
  if (!isMapping(data) || ['hosts', 'defaults', 'groups'].some((key) => key in data)) return false;
  const groups = Object.values(data);
  return (
    groups.length > 0 &&
    groups.every(
      (group) => group === null || (isMapping(group) && Object.keys(group).every((key) => GROUP_KEYS.includes(key))),
    )
  );
}

export function parseAnsibleInventory(source: FieldSource): Inventory {
  const read = new FieldReader(source);
  const parts = collectGroups(read);
  const tree = new GroupTree(parts, source);
  const found = findHosts(read, parts, tree);
  if (found.size === 0) throw source.error([], 'no hosts', "add hosts under all: hosts: or a group's hosts:");
  const varsOf = (group: string) => mergeLayers((parts.get(group) ?? []).map((part) => part.vars));
  const builder = new HostsBuilder(read, varsOf('all'), {nameIsAddress: true});
  for (const [name, host] of found) {
    const groups = [...host.groups]
      .filter((group) => group !== 'all')
      .sort((a, b) => tree.depth(a) - tree.depth(b) || a.localeCompare(b));
    builder.add(name, host.path, mergeLayers(host.own), groups.map(varsOf), groups);
  }
  return {file: source.file, hosts: builder.hosts, groups: builder.groups, source};
}

/** Every part of every group: a group may be written in several places (defined once, named again as a child). */
function collectGroups(read: FieldReader): Map<string, GroupPart[]> {
  const parts = new Map<string, GroupPart[]>();
  const collect = (group: string, node: unknown, path: FieldPath) => {
    const {part, children} = readGroupPart(read, group, node, path);
    parts.set(group, [...(parts.get(group) ?? []), part]);
    for (const [child, value] of Object.entries(children)) collect(child, value, [...path, 'children', child]);
  };
  for (const [group, node] of Object.entries(read.source.data as Record<string, unknown>))
    collect(group, node, [group]);
  return parts;
}

function readGroupPart(
  read: FieldReader,
  group: string,
  node: unknown,
  path: FieldPath,
): {part: GroupPart; children: Record<string, unknown>} {
  if (!NAME.test(group))
    throw read.source.error(
      path,
      `group name '${group}' is not allowed`,
      'use letters, digits, dot, dash and underscore',
      'key',
    );
  const fields =
    node === null || node === undefined ? {} : read.object(path, node, `group ${group} (hosts, children, vars)`);
  read.knownKeys(path, fields, GROUP_KEYS);
  const section = (key: string, what: string) =>
    fields[key] === null || fields[key] === undefined ? {} : read.object([...path, key], fields[key], what);
  const hosts = section('hosts', "the group's hosts");
  const children = section('children', "the group's child groups");
  const part = {
    vars: translate(read, section('vars', "the group's variables"), [...path, 'vars']),
    hosts: Object.entries(hosts).map(([key, value]) => ({key, path: [...path, 'hosts', key], value})),
    children: Object.keys(children),
  };
  return {part, children};
}

/** Which groups contain which, refusing a group that contains itself. */
class GroupTree {
  private readonly parents = new Map<string, Set<string>>();

  constructor(
    parts: Map<string, GroupPart[]>,
    private readonly source: FieldSource,
  ) {
    for (const [group, groupParts] of parts) {
      for (const child of groupParts.flatMap((part) => part.children))
        this.parents.set(child, new Set([...(this.parents.get(child) ?? []), group]));
    }
  }

  ancestors(group: string, seen: string[] = []): string[] {
    if (seen.includes(group))
      throw this.source.error(
        [group],
        `group '${group}' is its own ancestor (${[...seen, group].join(' > ')})`,
        'a group cannot contain itself',
        'key',
      );
    return [...(this.parents.get(group) ?? [])].flatMap((parent) => [
      parent,
      ...this.ancestors(parent, [...seen, group]),
    ]);
  }

  /** Like Ansible: a child group's variables win over its parent's; `all`'s are everyone's defaults. */
  depth(group: string): number {
    return group === 'all'
      ? 0
      : 1 + Math.max(0, ...[...(this.parents.get(group) ?? [])].map((parent) => this.depth(parent)));
  }
}

/** Each host (ranges expanded) with its own variables wherever it is written and every group it is in. */
function findHosts(
  read: FieldReader,
  parts: Map<string, GroupPart[]>,
  tree: GroupTree,
): Map<string, {path: FieldPath; own: Layer[]; groups: Set<string>}> {
  const found = new Map<string, {path: FieldPath; own: Layer[]; groups: Set<string>}>();
  for (const [group, groupParts] of parts) {
    const lineage = [group, ...tree.ancestors(group)];
    for (const entry of groupParts.flatMap((part) => part.hosts)) {
      const vars =
        entry.value === null || entry.value === undefined
          ? {}
          : read.object(entry.path, entry.value, `host ${entry.key}'s variables`);
      const own = translate(read, vars, entry.path);
      for (const name of expandNames(read, entry.key, entry.path)) {
        const host = found.get(name) ?? {path: entry.path, own: [], groups: new Set<string>()};
        host.own.push(own);
        for (const member of lineage) host.groups.add(member);
        found.set(name, host);
        if (found.size > MAX_HOSTS)
          throw read.source.error(
            entry.path,
            `more than ${MAX_HOSTS} hosts`,
            'an inventory describes at most that many hosts',
          );
      }
    }
  }
  return found;
}

/** Ansible's variables as our fields, each remembering the line it came from. */
function translate(read: FieldReader, vars: Record<string, unknown>, path: FieldPath): Layer {
  const layer: Layer = new Map();
  for (const [key, value] of Object.entries(vars)) {
    const field = VARIABLES[key];
    if (!field) continue;
    let ours = value;
    if (field === 'transport') {
      ours = typeof value === 'string' ? CONNECTIONS[value] : undefined;
      if (!ours)
        throw read.source.error(
          [...path, key],
          `ansible_connection ${describe(value)} cannot start a worker`,
          'use ssh or local',
        );
    }
    // Ansible variables are often written as strings (`ansible_port: "2222"`), and Ansible takes them
    // as numbers: every quoted number is, so "3.7" is refused as 3.7 is, not told to drop its quotes.
    const number = quotedNumber(value);
    if ((field === 'port' || field === 'cores') && number !== undefined) ours = number;
    layer.set(field, {value: ours, path: [...path, key]});
  }
  return layer;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The names an inventory goes by; the default `inventory.yaml` falls back to Ansible's usual ones. */
export const INVENTORY_NAMES = [
  'inventory.yaml',
  'inventory.yml',
  'hosts.yaml',
  'hosts.yml',
  'inventory.ini',
  'hosts.ini',
];

export function findInventoryFile(file: string): string {
  if (existsSync(file) || !file.endsWith(INVENTORY_NAMES[0])) return file;
  const folder = dirname(file);
  return INVENTORY_NAMES.map((name) => join(folder, name)).find((path) => existsSync(path)) ?? file;
}
