import {FieldReader} from '../config/fields.js';
import {YamlSource} from '../config/yaml-source.js';
import {type LabArch, readLabArch} from './arch.js';

/** One emulated host: its CPU, and the link between it and the coordinator. */
export interface LabHost {
  name: string;
  /** The kind of machine, for the Hardware column and analyze (a twin's `raspberry-pi`); else the name without its number. */
  kind?: string;
  cores: number;
  /** Share of one real core each of its cores gets (cgroup CPU quota), e.g. 0.25 for a Pi-like core. */
  cpu: number;
  /** Added one way, in each direction, by the host's relay. */
  latencyMs: number;
  jitterMs: number;
  /** Link rate in bits per second (tc tbf), or undefined for no limit. */
  bandwidthBits?: number;
  /** Share of segments that pay a retransmission timeout, as TCP makes loss look. */
  loss: number;
  /** Its sshd, shell and worker run from a Debian tree of this architecture, under qemu-user; absent for this machine's own. */
  arch?: LabArch;
}

export interface LabSpec {
  file: string;
  hosts: LabHost[];
}

const HOST_FIELDS = ['kind', 'cores', 'cpu', 'latency', 'jitter', 'bandwidth', 'loss', 'arch'] as const;
/** A lab host's name: it names a namespace, a folder and a cgroup. */
export const LAB_HOST_NAME = /^[a-z0-9][a-z0-9-]{0,11}$/;
/** A kind as analyze spells it (lower case, hyphens): it becomes an inventory label. */
const KIND = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** Reads the `lab:` section of a YAML file (an experiment under experiments/lab/, or a spec of its own). */
export function loadLabSpec(file: string): LabSpec {
  const source = YamlSource.read(file, 'lab spec', 'pass --spec FILE (experiments/lab/paper.yaml is shipped)');
  const read = new FieldReader(source);
  const top = read.object([], source.data, 'a file with a lab: section');
  const lab = read.object(['lab'], top.lab, 'lab settings');
  read.knownKeys(['lab'], lab, ['hosts']);
  const hosts = read.object(['lab', 'hosts'], lab.hosts, 'lab hosts');
  const list = Object.entries(hosts).map(([name, value]): LabHost => {
    const path = ['lab', 'hosts', name];
    if (!LAB_HOST_NAME.test(name))
      throw source.error(
        path,
        `lab host name '${name}' is not allowed`,
        'use up to 12 lower-case letters, digits and dashes (it names a network namespace)',
        'key',
      );
    const fields = read.object(path, value ?? {}, `lab host ${name}`);
    read.knownKeys(path, fields, HOST_FIELDS);
    const host: LabHost = {
      name,
      cores: fields.cores === undefined ? 1 : read.positiveInteger([...path, 'cores'], fields.cores),
      cpu:
        fields.cpu === undefined
          ? 1
          : readNumber(read, [...path, 'cpu'], fields.cpu, 0.01, 64, 'a share of one core, e.g. 0.25'),
      latencyMs: fields.latency === undefined ? 0 : readDuration(read, [...path, 'latency'], fields.latency),
      jitterMs: fields.jitter === undefined ? 0 : readDuration(read, [...path, 'jitter'], fields.jitter),
      loss:
        fields.loss === undefined
          ? 0
          : readNumber(read, [...path, 'loss'], fields.loss, 0, 0.5, 'a fraction, e.g. 0.01 for 1%'),
    };
    if (fields.kind !== undefined) host.kind = readKind(read, [...path, 'kind'], fields.kind);
    if (fields.bandwidth !== undefined) host.bandwidthBits = readRate(read, [...path, 'bandwidth'], fields.bandwidth);
    const arch = readLabArch(read, [...path, 'arch'], fields.arch);
    if (arch) host.arch = arch;
    return host;
  });
  if (list.length === 0) throw source.error(['lab', 'hosts'], 'no lab hosts', 'add at least one host');
  if (list.length > 200)
    throw source.error(['lab', 'hosts'], 'more than 200 lab hosts', 'the lab uses one /24 network');
  return {file, hosts: list};
}

/** "2ms", "0.5ms", "1s" or a number of milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && value >= 0) return value;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*(us|ms|s)$/.exec(value.trim()) : null;
  if (!match) return undefined;
  return Number(match[1]) * {us: 0.001, ms: 1, s: 1000}[match[2] as 'us' | 'ms' | 's'];
}

/** "100mbit", "1gbit", "512kbit" in bits per second. */
export function parseRate(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*(kbit|mbit|gbit)$/i.exec(value.trim()) : null;
  if (!match) return undefined;
  return Number(match[1]) * {kbit: 1e3, mbit: 1e6, gbit: 1e9}[match[2].toLowerCase() as 'kbit' | 'mbit' | 'gbit'];
}

function readDuration(read: FieldReader, path: string[], value: unknown): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms > 10_000)
    throw read.source.error(path, `'${String(value)}' is not a duration`, 'write e.g. 2ms, 0.5ms or 1s');
  return ms;
}

function readKind(read: FieldReader, path: string[], value: unknown): string {
  if (typeof value !== 'string' || !KIND.test(value))
    throw read.source.error(
      path,
      `'${String(value)}' is not a kind of host`,
      'write it as analyze does: lower-case letters, digits, dots and hyphens, e.g. raspberry-pi',
    );
  return value;
}

function readRate(read: FieldReader, path: string[], value: unknown): number {
  const bits = parseRate(value);
  if (bits === undefined || bits < 1e4)
    throw read.source.error(path, `'${String(value)}' is not a link rate`, 'write e.g. 100mbit, 1gbit or 512kbit');
  return bits;
}

function readNumber(read: FieldReader, path: string[], value: unknown, low: number, high: number, fix: string): number {
  if (typeof value !== 'number' || !(value >= low && value <= high))
    throw read.source.error(path, `must be a number from ${low} to ${high}, got ${String(value)}`, fix);
  return value;
}
