import {writeFileSync} from 'node:fs';
import {basename, extname} from 'node:path';
import {type Analysis, analyzeTable} from '../results/capacity/analyze.js';
import {parseHardware, type Counts} from '../results/hardware.js';
import {readObservedTable} from '../analyze/read-table.js';
import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {userFileError} from '../files/user-file.js';
import {LIMITS} from '../limits.js';
import {LAB_HOST_NAME} from './spec.js';
import {renderTwinSpec} from './twin-spec.js';

/** The share of a real core the lab can give one core: the spec's floor for `cpu`. */
export const MIN_CORE_SHARE = 0.01;
/** Of this machine's CPUs, what the twin's slots may take in all: the rest is for the coordinator, sshds, relays and main threads. */
export const DEFAULT_CPU_BUDGET = 0.75;

const FROM_FIX =
  'pass what cluster analyze results/<id>.json writes with --json, a results CSV (hardware and measured_s columns) or a JSON written by cluster bench';

/** One kind of host as a fit found it: its speed (hosts of the base kind), cores, and how many the largest row had. */
export interface TwinKind {
  kind: string;
  speed: number;
  cores: number;
  count: number;
}

export interface TwinModel {
  file: string;
  baseKind: string;
  kinds: TwinKind[];
  /** The measured combinations, in the file's order: the sweep the twin repeats. */
  rows: Counts[];
}

export interface TwinHost {
  name: string;
  kind: string;
  cores: number;
  /** Share of one real core each of its cores gets. */
  cpu: number;
}

export interface TwinPlan {
  baseKind: string;
  /** Real cores one host of the base kind gets: every speed times this. */
  scale: number;
  /** CPUs the twin's slots take in all, and this machine's. */
  cpus: number;
  machineCpus: number;
  hosts: TwinHost[];
  combinations: string[][];
}

/** A fit from `cluster analyze --json`, or one made here from a results CSV or bench JSON. */
export function readTwinModel(file: string): TwinModel {
  let text: string;
  try {
    text = readTextFile(file, {limit: LIMITS.csvBytes, what: 'a model or results file', tooLargeFix: FROM_FIX});
  } catch (error) {
    throw userFileError(error, file, 'model or results file', FROM_FIX);
  }
  const analysis = analysisIn(text) ?? analyzeTable(readResults(file), {fit: 'relative'});
  return twinModel(analysis, file);
}

/** A results file; one that is no results at all (no rows, not JSON) is told every file --from takes. */
function readResults(file: string) {
  try {
    return readObservedTable(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const {line, field} = error.details;
    const noResults = line === undefined ? field === undefined || field === 'rows' : line === 1 && field === 'hardware';
    throw noResults ? new InputError({...error.details, fix: FROM_FIX}) : error;
  }
}

/** The Analysis a file holds when it is `cluster analyze --json` output, else undefined. */
function analysisIn(text: string): Analysis | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<Analysis>;
    return typeof parsed.speeds === 'object' && Array.isArray(parsed.rows) && typeof parsed.base_kind === 'string'
      ? (parsed as Analysis)
      : undefined;
  } catch {
    return undefined;
  }
}

export function twinModel(analysis: Analysis, file: string): TwinModel {
  if (!analysis.cores)
    throw new InputError({
      file,
      field: 'cores',
      problem: "the fit does not know each kind's cores",
      fix: 'use a results file with a cores column (or a bench JSON): the twin gives each host its cores',
    });
  const rows = analysis.rows.map((row, i) => {
    try {
      return parseHardware(row.hardware);
    } catch (error) {
      throw new InputError({file, field: `rows[${i}].hardware`, problem: (error as Error).message, fix: FROM_FIX});
    }
  });
  const kinds = Object.entries(analysis.speeds).map(([kind, speed]): TwinKind => {
    const cores = analysis.cores![kind];
    const count = Math.max(0, ...rows.map((counts) => counts.get(kind) ?? 0));
    if (!(speed > 0) || !(cores >= 1))
      throw new InputError({
        file,
        field: `speeds.${kind}`,
        problem: `the fit gives ${kind} a speed of ${speed} with ${cores} cores`,
        fix: 'a twin needs every kind faster than nothing: measure more rows with that kind, or leave it out of the file',
      });
    return {kind, speed, cores, count};
  });
  return {file, baseKind: analysis.base_kind, kinds, rows};
}

/**
 * The twin on this machine: every host's speed times one scale, the largest at which all hosts'
 * slots together take no more than `cpus` of this machine's CPUs (as fast as the machine allows,
 * so its runs are short), refused when its slowest core would get less than the lab can give.
 */
export function planTwin(model: TwinModel, cpus: number, machineCpus: number): TwinPlan {
  const demand = model.kinds.reduce((sum, k) => sum + k.count * k.speed, 0);
  const scale = cpus / demand;
  const slowest = model.kinds.reduce((low, k) => (k.speed / k.cores < low.speed / low.cores ? k : low));
  const slowestShare = (scale * slowest.speed) / slowest.cores;
  if (slowestShare < MIN_CORE_SHARE)
    throw new InputError({
      file: model.file,
      field: `speeds.${slowest.kind}`,
      problem: `at ${cpus} CPUs in all a ${slowest.kind} core would get ${slowestShare.toPrecision(2)} of a core, under the lab's ${MIN_CORE_SHARE}`,
      fix: `pass --cpus ${Math.ceil(((MIN_CORE_SHARE * slowest.cores) / slowest.speed) * demand * 100) / 100} or more, or leave ${slowest.kind} out of the file`,
    });
  const names = hostNames(model.kinds);
  const hosts = model.kinds.flatMap((k) =>
    names.get(k.kind)!.map((name) => ({name, kind: k.kind, cores: k.cores, cpu: round((scale * k.speed) / k.cores)})),
  );
  const combinations = model.rows.map((counts) =>
    [...counts].flatMap(([kind, count]) => names.get(kind)!.slice(0, count)),
  );
  return {baseKind: model.baseKind, scale, cpus, machineCpus, hosts, combinations};
}

/** Lab host names per kind: the kind and a number where more than one (`desktop`, `laptop1`), shortened to fit 12 characters (`raspberry-pi` to `rpi1`). */
function hostNames(kinds: TwinKind[]): Map<string, string[]> {
  const taken = new Set<string>();
  const names = new Map<string, string[]>();
  for (const {kind, count} of kinds) {
    const stem = nameStem(kind, count > 1 ? String(count).length : 0);
    let base = stem;
    for (let extra = 2; taken.has(base); extra++) base = `${stem.slice(0, 10)}${extra}`;
    taken.add(base);
    const list = Array.from({length: count}, (_, i) => (count > 1 ? `${base}${i + 1}` : base));
    names.set(kind, list);
  }
  return names;
}

function nameStem(kind: string, digits: number): string {
  const plain =
    kind
      .toLowerCase()
      .replaceAll(/[^a-z0-9-]+/g, '-')
      .replaceAll(/^-+|-+$/g, '') || 'host';
  if (plain.length + digits <= 12 && LAB_HOST_NAME.test(plain)) return plain;
  // The initials of every part but the last, then the last: raspberry-pi is rpi.
  const parts = plain.split('-').filter(Boolean);
  const short = `${parts
    .slice(0, -1)
    .map((p) => p[0])
    .join('')}${parts.at(-1)}`.slice(0, 12 - digits);
  return /^[a-z0-9]/.test(short) ? short : `h${short.slice(1)}`;
}

/** Four significant digits: a share of a core written for people to read and edit. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}

/**
 * Writes the twin's spec of the fit in `from` to `to` (never over a file: it may be the user's
 * edited what-if) and returns the plan; `cpus` defaults to 3/4 of this machine's.
 */
export function writeTwinSpec(from: string, to: string, machineCpus: number, cpus?: string): TwinPlan {
  const model = readTwinModel(from);
  const budget = readCpusFlag(cpus, machineCpus) ?? Math.round(machineCpus * DEFAULT_CPU_BUDGET * 100) / 100;
  const plan = planTwin(model, budget, machineCpus);
  const name = `twin-${basename(from, extname(from))
    .toLowerCase()
    .replaceAll(/[^a-z0-9-]+/g, '-')}`;
  try {
    writeFileSync(to, renderTwinSpec(model, plan, name), {flag: 'wx'});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new InputError({
        file: to,
        problem: 'exists already',
        fix: `to bring up the twin it holds: cluster lab up --spec ${to}; for a new one pass --save-spec OTHER.yaml or remove it`,
      });
    throw userFileError(error, to, 'twin spec', 'pass --save-spec with a path in a folder you can write');
  }
  return plan;
}

/** `--cpus`: a number of CPUs above 0, at most the machine's. */
export function readCpusFlag(text: string | undefined, machineCpus: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0 && value <= machineCpus))
    throw new InputError({
      file: '--cpus',
      problem: `'${text}' is not a number of CPUs from above 0 to this machine's ${machineCpus}`,
      fix: `pass e.g. --cpus ${Math.round(machineCpus * DEFAULT_CPU_BUDGET * 100) / 100}`,
    });
  return value;
}
