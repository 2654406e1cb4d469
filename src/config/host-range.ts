/** Ansible's host ranges: `rpi[1:4]`, `node[01:16]` (zero-padded), `web[a:c]`, `n[0:10:2]` (a step). */

/** The most hosts one inventory may describe: a typo like `rpi[1:1000000]` must not exhaust memory. */
export const MAX_HOSTS = 1000;

const RANGE = /\[([^\]]*)\]/;

export class HostRangeError extends Error {}

interface Range {
  values(): string[];
  count: number;
}

/** Whether `name` holds a range, e.g. `rpi[1:4]`. */
export function hasRange(name: string): boolean {
  return RANGE.test(name);
}

/** How many names `pattern` expands to, computed before expanding so a huge range is refused cheaply. */
export function countRange(pattern: string): number {
  let count = 1;
  let rest = pattern;
  for (let match = RANGE.exec(rest); match; match = RANGE.exec(rest)) {
    count *= parseRange(match[1]).count;
    rest = rest.slice(match.index + match[0].length);
  }
  return count;
}

/** Every name `pattern` stands for, in order; throws RangeError for a bad or too large range. */
export function expandRange(pattern: string): string[] {
  if (countRange(pattern) > MAX_HOSTS) throw new HostRangeError(`'${pattern}' stands for ${countRange(pattern)} hosts, more than ${MAX_HOSTS}`);
  const match = RANGE.exec(pattern);
  if (!match) return [pattern];
  const head = pattern.slice(0, match.index);
  const tails = expandRange(pattern.slice(match.index + match[0].length));
  return parseRange(match[1]).values().flatMap((value) => tails.map((tail) => head + value + tail));
}

function parseRange(body: string): Range {
  const parts = body.split(':');
  if (parts.length < 2 || parts.length > 3) throw new HostRangeError(`range [${body}] must be [first:last] or [first:last:step]`);
  const [first, last, stepText = '1'] = parts;
  const step = Number(stepText);
  if (!/^\d+$/.test(stepText) || step < 1) throw new HostRangeError(`range [${body}]: the step must be a positive whole number`);
  if (/^\d+$/.test(first) && /^\d+$/.test(last)) {
    const [from, to] = [Number(first), Number(last)];
    if (from > to) throw new HostRangeError(`range [${body}] runs backwards`);
    // `01` pads every number to the width of the first bound, as Ansible does.
    const width = first.startsWith('0') && first.length > 1 ? first.length : 0;
    const count = Math.floor((to - from) / step) + 1;
    return {count, values: () => Array.from({length: count}, (_, i) => String(from + i * step).padStart(width, '0'))};
  }
  if (/^[a-z]$/.test(first) && /^[a-z]$/.test(last)) {
    const [from, to] = [first.charCodeAt(0), last.charCodeAt(0)];
    if (from > to) throw new HostRangeError(`range [${body}] runs backwards`);
    const count = Math.floor((to - from) / step) + 1;
    return {count, values: () => Array.from({length: count}, (_, i) => String.fromCharCode(from + i * step))};
  }
  throw new HostRangeError(`range [${body}] must run between two numbers or two lowercase letters`);
}
