// This toolkit's own inventory format: hosts, groups with vars, defaults (docs/inventories.md).
import {dirname, resolve} from 'node:path';
import {LIMITS} from '../limits.js';
import {FieldReader} from './fields.js';
import {DEFAULT_FIELDS, expandHome, HOST_FIELDS, HostsBuilder, type Inventory, NAME} from './hosts.js';
import {type Layer, layerOf} from './layers.js';
import type {FieldPath, YamlSource} from './yaml-source.js';

const TOP_FIELDS = [
  'defaults',
  'hosts',
  'groups',
  'knownHosts',
  'connectTimeout',
  'connectConcurrency',
  'python',
] as const;

export function parseOwnInventory(source: YamlSource): Inventory {
  const read = new FieldReader(source);
  const top = read.object([], source.data, 'an inventory');
  read.knownKeys([], top, TOP_FIELDS);
  const defaults = top.defaults === undefined ? {} : read.object(['defaults'], top.defaults, 'defaults');
  read.knownKeys(['defaults'], defaults, DEFAULT_FIELDS);
  const entries = top.hosts === undefined && top.groups !== undefined ? {} : read.object(['hosts'], top.hosts, 'hosts');
  const groupEntries = top.groups === undefined ? {} : read.object(['groups'], top.groups, 'groups');
  const builder = new HostsBuilder(read, layerOf(defaults, ['defaults']), readConnection(read, top));
  // In the order the file lists them, which is the order a sweep without combinations adds hosts.
  const addHosts = () => {
    for (const [key, entry] of Object.entries(entries))
      builder.add(key, ['hosts', key], ownFields(read, ['hosts', key], entry), [], []);
  };
  const hostsFirst = Object.keys(top).indexOf('hosts') < Object.keys(top).indexOf('groups') || top.groups === undefined;
  if (hostsFirst) addHosts();
  for (const [group, value] of Object.entries(groupEntries)) addGroup(read, builder, group, value);
  if (!hostsFirst) addHosts();
  if (builder.hosts.size === 0) throw source.error(['hosts'], 'no hosts', 'add at least one host under hosts:');
  for (const group of Object.keys(groupEntries)) {
    if (builder.hosts.has(group))
      throw source.error(['groups', group], `'${group}' names both a group and a host`, 'rename one of them', 'key');
  }
  return {
    file: source.file,
    hosts: builder.hosts,
    groups: builder.groups,
    ...(top.python === undefined ? {} : {python: read.string(['python'], top.python)}),
    ...readConcurrency(read, top),
    source,
  };
}

/** knownHosts and connectTimeout: how every ssh host of the inventory is reached. */
function readConnection(
  read: FieldReader,
  top: Record<string, unknown>,
): {knownHosts?: string; connectTimeoutMs?: number} {
  const knownHosts =
    top.knownHosts === undefined
      ? undefined
      : resolve(dirname(read.source.file), expandHome(read.string(['knownHosts'], top.knownHosts)));
  const connectTimeoutMs =
    top.connectTimeout === undefined
      ? undefined
      : 1000 *
        read.boundedInteger(
          ['connectTimeout'],
          top.connectTimeout,
          LIMITS.timeoutSeconds,
          'seconds to wait for an ssh host to answer; an hour is as good as no timeout',
        );
  return {knownHosts, connectTimeoutMs};
}

function readConcurrency(read: FieldReader, top: Record<string, unknown>): {connectConcurrency?: number} {
  if (top.connectConcurrency === undefined) return {};
  return {
    connectConcurrency: read.boundedInteger(
      ['connectConcurrency'],
      top.connectConcurrency,
      LIMITS.connectConcurrency,
      `hosts reached at once; OpenSSH's MaxStartups refuses every login past ${LIMITS.connectConcurrency} at once by default`,
    ),
  };
}

/** A group of `groups:`: its shared fields (vars) and its hosts, each added with them. */
function addGroup(read: FieldReader, builder: HostsBuilder, group: string, value: unknown): void {
  if (!NAME.test(group))
    throw read.source.error(
      ['groups', group],
      `group name '${group}' is not allowed`,
      'use letters, digits, dot, dash and underscore',
      'key',
    );
  const fields = read.object(['groups', group], value ?? {}, `group ${group}`);
  read.knownKeys(['groups', group], fields, ['vars', 'hosts']);
  const vars =
    fields.vars === undefined ? {} : read.object(['groups', group, 'vars'], fields.vars, "the group's shared fields");
  read.knownKeys(['groups', group, 'vars'], vars, DEFAULT_FIELDS);
  const members = read.object(['groups', group, 'hosts'], fields.hosts ?? {}, "the group's hosts");
  for (const [key, entry] of Object.entries(members)) {
    const path = ['groups', group, 'hosts', key];
    builder.add(key, path, ownFields(read, path, entry), [layerOf(vars, ['groups', group, 'vars'])], [group]);
  }
}

function ownFields(read: FieldReader, path: FieldPath, entry: unknown): Layer {
  const fields = read.object(path, entry ?? {}, `host ${String(path.at(-1))}`);
  read.knownKeys(path, fields, HOST_FIELDS);
  return layerOf(fields, path);
}
