/** One argument for a POSIX shell, single-quoted: the only way anything reaches a remote command line. */
export function shellQuote(argument: string): string {
  if (/^[A-Za-z0-9_./=:@%+-]+$/.test(argument)) return argument;
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** A remote command from parts, each quoted; no part is ever interpreted by the remote shell. */
export function remoteCommand(parts: readonly string[]): string {
  return parts.map(shellQuote).join(' ');
}
