import {hardwareKind, type Host} from '../config/inventory.js';
import {CONTROL_CHARACTER, printable} from '../text/printable.js';

/** How many hosts of each kind a combination has, kinds in the order they were first named. */
export type Counts = Map<string, number>;

/** Bounds what a hardware cell or `--predict` may ask for. */
export const MAX_HOSTS_OF_A_KIND = 10_000;

const COUNTED = /^(\d+)\s*(?:x|×|\*)\s*(\S.*)$/i;
const COUNTED_BY_SPACE = /^(\d+)\s+(\S.*)$/;
const NUMBER_FIRST = /^[-+]?[\d.]/;
const KIND = /^[a-z0-9][a-z0-9._-]*$/;
/** A kind in double quotes (a quote inside doubled, as in CSV), after an optional count. */
const QUOTED = /^(?:([-+]?[\d.]+)\s*(?:x|×|\*)?\s*)?"((?:[^"]|"")*)"$/i;

/** Why a hardware string could not be read, for the caller to place in a file or a flag. */
export class HardwareSyntaxError extends Error {}

/**
 * Reads a combination in the paper's spelling (`4 x Raspberry Pi, 1 x Desktop`, `1 Pi + desktop`)
 * or this toolkit's (`2 x raspberry-pi, 1 x desktop`, `local-a, local-b` for unlabelled hosts).
 * Kinds are compared as lower case with spaces as hyphens, so `Raspberry Pi` is `raspberry-pi`.
 * A kind in double quotes may hold any printable text (`1 x "Pi 4, 4GB"`): a label that needs it.
 */
export function parseHardware(text: string): Counts {
  const counts: Counts = new Map();
  const parts = splitParts(text).map((part) => part.trim());
  if (parts.every((part) => part === '')) throw new HardwareSyntaxError('empty hardware');
  for (const part of parts) {
    if (part === '') throw new HardwareSyntaxError(`an empty part in '${printable(text)}'`);
    const {count, kind} = QUOTED.test(part) ? readQuoted(part) : readPlain(part);
    counts.set(kind, (counts.get(kind) ?? 0) + count);
  }
  return counts;
}

/** The parts between commas and pluses, but those inside a quoted kind. */
function splitParts(text: string): string[] {
  const parts = [''];
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === ',' || c === '+')) parts.push('');
    else parts[parts.length - 1] += c;
  }
  if (quoted) throw new HardwareSyntaxError(`an unclosed quote in '${printable(text)}'`);
  return parts;
}

function readPlain(part: string): {count: number; kind: string} {
  const match = COUNTED.exec(part) ?? COUNTED_BY_SPACE.exec(part);
  const count = match ? Number(match[1]) : 1;
  const kind = normaliseKind(match ? match[2] : part);
  if (!match && NUMBER_FIRST.test(part)) countError(part);
  checkCount(count, part);
  if (!KIND.test(kind) || kind === 'x')
    throw new HardwareSyntaxError(`cannot read '${printable(part)}' as a count and a kind of host`);
  return {count, kind};
}

function readQuoted(part: string): {count: number; kind: string} {
  const [, written, inside] = QUOTED.exec(part)!;
  const count = written === undefined ? 1 : /^\d+$/.test(written) ? Number(written) : countError(part);
  checkCount(count, part);
  const kind = normaliseKind(inside.replaceAll('""', '"'));
  if (kind === '') throw new HardwareSyntaxError(`'${printable(part)}': a quoted kind of host cannot be empty`);
  if (CONTROL_CHARACTER.test(kind))
    throw new HardwareSyntaxError(`'${printable(part)}': a kind of host cannot hold control characters`);
  return {count, kind};
}

function checkCount(count: number, part: string): void {
  if (count < 1 || count > MAX_HOSTS_OF_A_KIND) countError(part);
}

function countError(part: string): never {
  throw new HardwareSyntaxError(
    `'${printable(part)}': a count must be a whole number from 1 to ${MAX_HOSTS_OF_A_KIND}`,
  );
}

export function normaliseKind(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '-');
}

/** A kind as a Hardware cell writes it: as it is where it reads back as itself, else in double quotes. */
export function spellKind(kind: string): string {
  const plain = normaliseKind(kind);
  return KIND.test(plain) && plain !== 'x' ? kind : `"${kind.replaceAll('"', '""')}"`;
}

/** `2 x raspberry-pi`; `countless`: a lone unlabelled host by its name, where the name cannot read as a count. */
export function spellPart(count: number, kind: string, countless = false): string {
  const spelt = spellKind(kind);
  return countless && count === 1 && spelt === kind && !NUMBER_FIRST.test(kind) ? kind : `${count} x ${spelt}`;
}

/** `2 x raspberry-pi, 1 x desktop`: the toolkit's spelling. */
export function formatCounts(counts: Counts): string {
  return [...counts].map(([kind, count]) => spellPart(count, kind)).join(', ');
}

/**
 * The Hardware column, in the paper's manner: "2 x raspberry-pi, 1 x desktop"; unlabelled hosts by
 * name. Spelt so that analyze reads back the same kinds, whatever a label holds (`1 x "pi, 4GB"`).
 */
export function describeHardware(hosts: readonly Host[]): string {
  const counts = new Map<string, {count: number; labelled: boolean}>();
  for (const host of hosts) {
    const kind = hardwareKind(host);
    const entry = counts.get(kind) ?? {count: 0, labelled: host.labels.length > 0};
    entry.count++;
    counts.set(kind, entry);
  }
  return [...counts].map(([kind, {count, labelled}]) => spellPart(count, kind, !labelled)).join(', ');
}

/** How many hosts of each kind, as the model counts them (kinds as `parseHardware` reads them back). */
export function kindCounts(hosts: readonly Host[]): Counts {
  const counts: Counts = new Map();
  for (const host of hosts) {
    const kind = normaliseKind(hardwareKind(host));
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}
