/** Ansible's host ranges: `rpi[1:4]`, `node[01:16]` (zero-padded), `web[a:c]`, `n[0:10:2]` (a step). */

/** The most hosts one inventory may describe: a typo like `rpi[1:1000000]` must not exhaust memory. */
export const MAX_HOSTS = 1000;

export class HostRangeError extends Error {
  /** `suggestion`: the pattern as the user probably meant it, when one can be guessed. */
  constructor(
    message: string,
    readonly suggestion?: string,
  ) {
    super(message);
  }
}

interface Range {
  values(): string[];
  count: number;
}

/** A pattern cut into its parts: literal text, and the bodies of its `[...]` ranges. */
type Part = {text: string} | {range: string};

/**
 * Cuts `pattern` at its brackets, read by hand (no regular expression is built from user text):
 * an unclosed `[`, a `]` with no `[`, or a `[` inside a range is refused with where it is.
 */
export function splitRanges(pattern: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === ']')
      throw new HostRangeError(
        `'${pattern}': ']' at character ${i + 1} closes no '['`,
        pattern.slice(0, i) + pattern.slice(i + 1),
      );
    if (char !== '[') {
      text += char;
      continue;
    }
    const close = pattern.indexOf(']', i + 1);
    const reopen = pattern.indexOf('[', i + 1);
    if (close === -1 || (reopen !== -1 && reopen < close))
      throw new HostRangeError(
        `'${pattern}': unclosed '[' at character ${i + 1}`,
        closedSuggestion(pattern, i, reopen),
      );
    parts.push({text}, {range: pattern.slice(i + 1, close)});
    text = '';
    i = close;
  }
  parts.push({text});
  return parts.filter((part) => !('text' in part) || part.text !== '');
}

/** `rpi[1:2` as `rpi[1:2]`, when the bracket's body is a whole range; else nothing to suggest. */
function closedSuggestion(pattern: string, open: number, reopen: number): string | undefined {
  const end = reopen === -1 ? pattern.length : reopen;
  const body = pattern.slice(open + 1, end);
  try {
    parseRange(body);
  } catch {
    return undefined;
  }
  return `${pattern.slice(0, end)}]${pattern.slice(end)}`;
}

/** How many names `pattern` expands to, computed before expanding so a huge range is refused cheaply. */
export function countRange(pattern: string): number {
  return splitRanges(pattern).reduce((count, part) => count * ('range' in part ? parseRange(part.range).count : 1), 1);
}

/** Every name `pattern` stands for, in order; throws HostRangeError for a bad or too large range. */
export function expandRange(pattern: string): string[] {
  const count = countRange(pattern);
  if (count > MAX_HOSTS) throw new HostRangeError(`'${pattern}' stands for ${count} hosts, more than ${MAX_HOSTS}`);
  return splitRanges(pattern).reduce<string[]>(
    (names, part) => {
      const values = 'range' in part ? parseRange(part.range).values() : [part.text];
      return names.flatMap((head) => values.map((value) => head + value));
    },
    [''],
  );
}

function parseRange(body: string): Range {
  const parts = body.split(':');
  if (parts.length < 2 || parts.length > 3)
    throw new HostRangeError(`range [${body}] must be [first:last] or [first:last:step]`);
  const [first, last, stepText = '1'] = parts;
  const step = Number(stepText);
  if (!/^\d+$/.test(stepText) || step < 1)
    throw new HostRangeError(`range [${body}]: the step must be a positive whole number`);
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
