import {readdirSync, readFileSync, readlinkSync} from 'node:fs';

/** A listening TCP socket: its address as the kernel holds it (IPv4 dotted, IPv6 colon-hex) and port. */
export interface Listener {
  address: string;
  port: number;
}

/** The TCP sockets process `pid` listens on, from /proc (in its own network namespace); [] once it is gone. */
export function listenersOf(pid: number): Listener[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        try {
          return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? ''];
        } catch {
          return [];
        }
      }),
    );
  } catch {
    return [];
  }
  return ['tcp', 'tcp6'].flatMap((table) => {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .slice(1)
      .flatMap((line) => {
        const fields = line.trim().split(/\s+/);
        // st 0A is LISTEN; field 9 is the socket's inode.
        if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9])) return [];
        const [hex, port] = fields[1].split(':');
        return [{address: table === 'tcp' ? ipv4(hex) : ipv6(hex), port: Number.parseInt(port, 16)}];
      });
  });
}

/** Whether a listener takes connections on every address (0.0.0.0 or ::). */
export function listensEverywhere(listener: Listener): boolean {
  return listener.address === '0.0.0.0' || /^0(:0)*$/.test(listener.address);
}

function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

/** /proc writes IPv6 as four host-order 32-bit words: shown word by word, not compressed. */
function ipv6(hex: string): string {
  const words = [0, 1, 2, 3].map((w) =>
    ipv4(hex.slice(w * 8, w * 8 + 8))
      .split('.')
      .map((b) => Number(b).toString(16).padStart(2, '0'))
      .join(''),
  );
  return words
    .flatMap((word) => [word.slice(0, 4), word.slice(4)])
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}
