import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {homedir, hostname, userInfo} from 'node:os';
import {InputError} from '../errors.js';

/** What ssh_config's `%` tokens stand for on one connection (ssh_config(5), TOKENS). */
export interface Connection {
  /** The host name after HostName: %h. */
  host: string;
  /** The name as given (the inventory's address): %n, and %k with no HostKeyAlias. */
  alias: string;
  port: number;
  /** The remote user: %r. */
  user: string;
}

/** Where a value was written, for the error an unknown token makes. */
export interface Written {
  file: string;
  line: number;
  field: string;
}

/** The tokens of IdentityFile, CertificateFile, UserKnownHostsFile and the like; HostName takes %% and %h only. */
export const PATH_TOKENS = 'CdhikLlnpru%';
export const HOSTNAME_TOKENS = 'h%';

/**
 * Expands `~`, `${VAR}` and the `%` tokens as OpenSSH does (tilde first, then the rest): an unknown
 * token, a lone `%` or an unset variable is an error naming the file and line, where ssh stops too.
 */
export function expandTokens(value: string, allowed: string, connection: Connection, written: Written): string {
  const refuse = (problem: string, fix: string) => new InputError({...written, problem, fix});
  const {home, rest} = splitTilde(value, refuse);
  return (
    home +
    rest.replace(/%(.?)|\$\{([^}]*)\}/gs, (whole, token: string, variable: string | undefined) => {
      if (variable !== undefined) {
        const found = process.env[variable];
        if (!found)
          throw refuse(
            `${whole} in '${value}' names an environment variable that is not set`,
            `set ${variable}, or write the path out`,
          );
        return found;
      }
      if (token === '') throw refuse(`'${value}' ends in a lone %`, 'write %% for a literal %');
      if (!allowed.includes(token))
        throw refuse(
          `%${token} in '${value}' is not a token ${written.field} takes (it takes ${[...allowed].map((t) => `%${t}`).join(' ')})`,
          'write %% for a literal %',
        );
      return TOKENS[token](connection);
    })
  );
}

const TOKENS: Record<string, (c: Connection) => string> = {
  '%': () => '%',
  // OpenSSH's connection hash: SHA-1 of %l%h%p%r, in hex.
  C: (c) => createHash('sha1').update(`${hostname()}${c.host}${c.port}${c.user}`).digest('hex'),
  d: () => homedir(),
  h: (c) => c.host,
  i: () => String(userInfo().uid),
  k: (c) => c.alias,
  L: () => hostname().split('.')[0],
  l: () => hostname(),
  n: (c) => c.alias,
  p: (c) => String(c.port),
  r: (c) => c.user,
  u: () => userInfo().username,
};

/** `~` and `~/...` are this user's home; `~name/...` is that user's, from the password file. Only the rest takes tokens. */
function splitTilde(value: string, refuse: (problem: string, fix: string) => InputError): {home: string; rest: string} {
  const match = /^~([^/]*)(\/.*)?$/s.exec(value);
  if (!match) return {home: '', rest: value};
  const [, user, rest = ''] = match;
  if (user === '' || user === userInfo().username) return {home: homedir(), rest};
  const home = readPasswd().find((fields) => fields[0] === user)?.[5];
  if (!home)
    throw refuse(
      `~${user} in '${value}': there is no user ${user} here`,
      'write the path out, or ~/ for your own home',
    );
  return {home, rest};
}

function readPasswd(): string[][] {
  try {
    return readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'));
  } catch {
    return [];
  }
}
