import type {Route} from '../ssh/connection-ends.js';

export {parseSshConnection, type Route} from '../ssh/connection-ends.js';

/** An address as a URL writes it: IPv6 in brackets. */
export function urlHost(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Where the scheduler listens: each address the hosts reach this machine at, once. An address
 * that is none of this machine's (`local`) is returned in `foreign`: a NAT or a jump host stands between.
 */
export function listenAddresses(
  routes: readonly Route[],
  local: ReadonlySet<string>,
): {listen: string[]; foreign: string[]} {
  const wanted = [...new Set(routes.map((route) => route.coordinator))];
  const isLocal = (address: string) => local.has(address.split('%')[0]);
  return {listen: wanted.filter(isLocal), foreign: wanted.filter((address) => !isLocal(address))};
}

/**
 * Why `address` cannot be what a host's worker listens on, or undefined when it can: it must be one
 * specific unicast address, since 0.0.0.0 or :: would open the worker on every interface of the host.
 */
export function workerBindProblem(address: string): string | undefined {
  const bare = address.split('%')[0];
  const bytes = bare.includes(':') ? ipv6Bytes(bare) : ipv4Bytes(bare);
  if (!bytes) return 'is not an IP address';
  const v4 = bytes.length === 4 ? bytes : mappedIpv4(bytes);
  if (v4) return ipv4Problem(v4);
  if (bytes.every((byte) => byte === 0)) return 'is the unspecified address (every interface of the host)';
  if (bytes[0] === 0xff) return 'is a multicast address';
  return undefined;
}

function ipv4Problem(bytes: readonly number[]): string | undefined {
  if (bytes[0] === 0) return 'is the unspecified address (every interface of the host)';
  if (bytes[0] >= 224 && bytes[0] <= 239) return 'is a multicast address';
  if (bytes[0] >= 240)
    return bytes.every((byte) => byte === 255) ? 'is the broadcast address' : "is a reserved address, not a host's";
  return undefined;
}

function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.map(Number);
}

/** The 16 bytes of an IPv6 address (an IPv4 tail written as its two groups), undefined when it is not one. */
function ipv6Bytes(text: string): number[] | undefined {
  const tail = /(?<=:)[\d.]+$/.exec(text);
  const v4 = tail && tail[0].includes('.') ? ipv4Bytes(tail[0]) : undefined;
  if (tail && tail[0].includes('.') && !v4) return undefined;
  const hex = v4
    ? `${text.slice(0, tail!.index)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`
    : text;
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (!groups.flat().every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return undefined;
  const missing = 8 - groups.flat().length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const words = halves.length === 1 ? groups[0] : [...groups[0], ...Array<string>(missing).fill('0'), ...groups[1]];
  return words.flatMap((word) => [Number.parseInt(word, 16) >> 8, Number.parseInt(word, 16) & 0xff]);
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:a.b.c.d). */
function mappedIpv4(bytes: readonly number[]): number[] | undefined {
  const mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : undefined;
}
