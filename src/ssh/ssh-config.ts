import {homedir} from 'node:os';
import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {LIMITS} from '../limits.js';
import {matchesPatternList} from '../text/host-pattern.js';
import {expandTokens, HOSTNAME_TOKENS, type Written} from './tokens.js';

/** What ~/.ssh/config says of a host alias; the first value obtained for each keyword wins, as in OpenSSH. */
export interface SshConfigEntry {
  hostName?: string;
  user?: string;
  port?: number;
  /** As written: its `%` tokens need the final user and port, known only once the inventory is applied. */
  identityFile?: Written & {value: string};
}

/**
 * Directives that change where or how OpenSSH connects, which this toolkit does not do: obeyed by
 * `ssh` and ignored here, they would send us somewhere else, so a host they apply to is refused.
 */
const UNSUPPORTED: Record<string, string> = {
  proxycommand: 'it reaches the host through a command',
  proxyjump: 'it reaches the host through another host',
  include: 'it reads more configuration from other files',
  match: 'its conditions are evaluated when connecting',
  hostkeyalias: 'it checks the host key under another name',
  canonicalizehostname: 'it rewrites the host name',
  canonicaldomains: 'it rewrites the host name',
  bindaddress: 'it connects from a chosen address',
  bindinterface: 'it connects from a chosen interface',
  addressfamily: 'it restricts the address family',
  userknownhostsfile: 'it checks host keys against other files',
  globalknownhostsfile: 'it checks host keys against other files',
  hostkeyalgorithms: 'it restricts the host key algorithms',
  kexalgorithms: 'it restricts the key exchange',
  ciphers: 'it restricts the ciphers',
  macs: 'it restricts the MACs',
  certificatefile: 'it authenticates with a certificate',
  identityagent: 'it uses another agent',
  pkcs11provider: 'it authenticates with a hardware token',
  securitykeyprovider: 'it authenticates with a security key',
  remotecommand: 'it runs another command on the host',
};

/** ProxyCommand and ProxyJump: whichever comes first decides, as in OpenSSH. */
const PROXY_KEYWORDS = new Set(['proxycommand', 'proxyjump']);

export function readSshConfig(alias: string, file = `${homedir()}/.ssh/config`): SshConfigEntry {
  let text: string;
  try {
    text = readTextFile(file, {
      limit: LIMITS.sshFileBytes,
      what: 'an ssh config',
      tooLargeFix: 'an ssh config is never this large; check the file',
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw new InputError({
      file,
      problem: `cannot read this ssh config (${code ?? (error as Error).message})`,
      fix: 'make it a file you can read',
    });
  }
  return sshConfigFor(text, alias, file);
}

export function sshConfigFor(text: string, alias: string, file = '~/.ssh/config'): SshConfigEntry {
  const found: SshConfigEntry = {};
  const decided = new Set<string>();
  // Options before any Host or Match line apply to every host.
  let applies = true;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.+)$/.exec(line);
    if (!match) continue;
    const keyword = match[1].toLowerCase();
    const value = match[2].trim().replace(/^"(.*)"$/, '$1');
    if (keyword === 'host') {
      applies = matchesPatternList(value.split(/\s+/), alias);
      continue;
    }
    // OpenSSH's first value wins, and `none` is a value: ProxyCommand none (or ProxyJump none)
    // before a Host * that sets a proxy means a direct connection, which is what we make.
    const decides = PROXY_KEYWORDS.has(keyword) ? 'proxy' : keyword;
    if (applies && decided.has(decides)) continue;
    if (applies && PROXY_KEYWORDS.has(keyword) && value.toLowerCase() === 'none') {
      decided.add(decides);
      continue;
    }
    // Match needs more than an alias to decide whether it applies: it is refused wherever it is.
    if ((applies || keyword === 'match') && keyword in UNSUPPORTED) {
      throw new InputError({
        file,
        line: i + 1,
        field: match[1],
        problem: `${match[1]} is not supported (${UNSUPPORTED[keyword]}), and it ${keyword === 'match' ? 'may apply' : 'applies'} to '${alias}'`,
        fix: `give the host an address it can reach directly in the inventory, or remove ${match[1]} there`,
      });
    }
    // ssh refuses a bad Port wherever it is written, whichever host it is for.
    const port = keyword === 'port' ? portOf(value, {file, line: i + 1, field: match[1]}) : undefined;
    if (!applies) continue;
    if (keyword === 'hostname')
      found.hostName ??= expandTokens(
        value,
        HOSTNAME_TOKENS,
        {host: alias, alias, port: 0, user: ''},
        {file, line: i + 1, field: match[1]},
      );
    else if (keyword === 'user') found.user ??= value;
    else if (port !== undefined) found.port ??= port;
    else if (keyword === 'identityfile') found.identityFile ??= {value, file, line: i + 1, field: match[1]};
  }
  return found;
}

function portOf(value: string, written: Written): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : 0;
  if (port >= 1 && port <= 65535) return port;
  throw new InputError({
    ...written,
    problem: `'${value}' is not a port number (1 to 65535)`,
    fix: `write the host's SSH port, e.g. ${written.field} 22, or remove the line`,
  });
}
