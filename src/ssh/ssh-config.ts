import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {wildcard} from './known-hosts.js';

/** What ~/.ssh/config says of a host alias; the first value obtained for each keyword wins, as in OpenSSH. */
export interface SshConfigEntry {
  hostName?: string;
  user?: string;
  port?: number;
  identityFile?: string;
}

export function readSshConfig(alias: string, file = `${homedir()}/.ssh/config`): SshConfigEntry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  return sshConfigFor(text, alias);
}

export function sshConfigFor(text: string, alias: string): SshConfigEntry {
  const found: SshConfigEntry = {};
  // Options before any Host or Match line apply to every host.
  let applies = true;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.+)$/.exec(line);
    if (!match) continue;
    const keyword = match[1].toLowerCase();
    const value = match[2].trim().replace(/^"(.*)"$/, '$1');
    if (keyword === 'host') {
      applies = hostMatches(value.split(/\s+/), alias);
      continue;
    }
    if (keyword === 'match') {
      // Match blocks need more than an alias to decide; we leave them to OpenSSH.
      applies = false;
      continue;
    }
    if (!applies) continue;
    if (keyword === 'hostname') found.hostName ??= value.replaceAll('%h', alias);
    else if (keyword === 'user') found.user ??= value;
    else if (keyword === 'port' && Number.isInteger(Number(value))) found.port ??= Number(value);
    else if (keyword === 'identityfile') found.identityFile ??= value;
  }
  return found;
}

function hostMatches(patterns: string[], alias: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (wildcard(negated ? pattern.slice(1) : pattern).test(alias)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}
