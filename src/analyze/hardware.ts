/** How many hosts of each kind a combination has, kinds in the order they were first named. */
export type Counts = Map<string, number>;

/** Bounds what a hardware cell or `--predict` may ask for. */
export const MAX_HOSTS_OF_A_KIND = 10_000;

const COUNTED = /^(\d+)\s*(?:x|×|\*)\s*(\S.*)$/i;
const COUNTED_BY_SPACE = /^(\d+)\s+(\S.*)$/;
const NUMBER_FIRST = /^[-+]?[\d.]/;
const KIND = /^[a-z0-9][a-z0-9._-]*$/;

/** Why a hardware string could not be read, for the caller to place in a file or a flag. */
export class HardwareSyntaxError extends Error {}

/**
 * Reads a combination in the paper's spelling (`4 x Raspberry Pi, 1 x Desktop`, `1 Pi + desktop`)
 * or this toolkit's (`2 x raspberry-pi, 1 x desktop`, `local-a, local-b` for unlabelled hosts).
 * Kinds are compared as lower case with spaces as hyphens, so `Raspberry Pi` is `raspberry-pi`.
 */
export function parseHardware(text: string): Counts {
  const counts: Counts = new Map();
  const parts = text.split(/[,+]/).map((part) => part.trim());
  if (parts.every((part) => part === '')) throw new HardwareSyntaxError('empty hardware');
  for (const part of parts) {
    if (part === '') throw new HardwareSyntaxError(`an empty part in '${text}'`);
    const match = COUNTED.exec(part) ?? COUNTED_BY_SPACE.exec(part);
    const count = match ? Number(match[1]) : 1;
    const kind = normaliseKind(match ? match[2] : part);
    if ((!match && NUMBER_FIRST.test(part)) || count < 1 || count > MAX_HOSTS_OF_A_KIND) throw new HardwareSyntaxError(`'${part}': a count must be a whole number from 1 to ${MAX_HOSTS_OF_A_KIND}`);
    if (!KIND.test(kind) || kind === 'x') throw new HardwareSyntaxError(`cannot read '${part}' as a count and a kind of host`);
    counts.set(kind, (counts.get(kind) ?? 0) + count);
  }
  return counts;
}

export function normaliseKind(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '-');
}

/** `2 x raspberry-pi, 1 x desktop`: the toolkit's spelling. */
export function formatCounts(counts: Counts): string {
  return [...counts].map(([kind, count]) => `${count} x ${kind}`).join(', ');
}
