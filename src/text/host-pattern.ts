/**
 * Host patterns, one matcher for every place that names hosts by pattern: `--hosts` globs, known_hosts
 * lines and ssh config `Host` lines. No regular expression is built from a pattern.
 */

/** A shell glob on host names: `*` any run of characters, `?` one, the rest literal. */
export function matchesGlob(glob: string, name: string, {ignoreCase = false} = {}): boolean {
  if (ignoreCase) [glob, name] = [glob.toLowerCase(), name.toLowerCase()];
  // Classic two-pointer match: on a mismatch, let the last `*` swallow one more character.
  let [g, n, star, resume] = [0, 0, -1, 0];
  while (n < name.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === name[n]))) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === '*') {
      [star, resume] = [g++, n];
    } else if (star !== -1) {
      [g, n] = [star + 1, ++resume];
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

/**
 * OpenSSH's pattern lists (known_hosts names, ssh config `Host`): case-insensitive globs, a `!` in front
 * negates, and any negated match wins over every other pattern.
 */
export function matchesPatternList(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (matchesGlob(negated ? pattern.slice(1) : pattern, name, {ignoreCase: true})) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}
