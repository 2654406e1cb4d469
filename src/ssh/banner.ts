import {randomBytes} from 'node:crypto';
import {Transform} from 'node:stream';
import {describe} from '../config/fields.js';

/** How much of a login banner is kept for a message; the rest is only skipped. */
const BANNER_KEPT = 4096;
const NOTHING = Buffer.alloc(0);

export const QUIET_SHELL_FIX =
  'make ~/.bashrc print only for interactive shells (e.g. start it with `[[ $- == *i* ]] || return`)';

/**
 * sshd runs every command through the user's shell, and bash reads ~/.bashrc even then: whatever it
 * prints comes first. So each command first prints a marker of its own, on stdout and stderr, and
 * what came before it is the banner.
 */
export function markedCommand(command: string): {command: string; marker: Buffer} {
  const token = randomBytes(12).toString('hex');
  // Printed as two words: a shell that echoes its command line (set -x) shows them apart, never the marker.
  const print = `printf '%s%s' cluster-start- ${token}`;
  return {command: `${print}; ${print} >&2; ${command}`, marker: Buffer.from(`cluster-start-${token}`)};
}

/** Cuts a stream at the marker: bytes after it are the command's; those before it, the banner. */
export class BannerCut {
  private carry = NOTHING;
  private found = false;
  private kept = NOTHING;
  private skipped = 0;

  constructor(private readonly marker: Buffer) {}

  /** The part of `chunk` that is the command's output. */
  push(chunk: Buffer): Buffer {
    if (this.found) return chunk;
    const joined = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const at = joined.indexOf(this.marker);
    if (at >= 0) {
      this.found = true;
      this.carry = NOTHING;
      this.keep(joined.subarray(0, at));
      return joined.subarray(at + this.marker.length);
    }
    // The marker may be cut across chunks: hold back what could be its start.
    const safe = Math.max(0, joined.length - (this.marker.length - 1));
    this.keep(joined.subarray(0, safe));
    this.carry = Buffer.from(joined.subarray(safe));
    return NOTHING;
  }

  /** Whether the marker came: the command ran. */
  get seen(): boolean {
    return this.found;
  }

  /** The start of what came before the marker (all of it, if it never came). */
  banner(): string {
    return Buffer.concat([this.kept, this.found ? NOTHING : this.carry]).toString('utf8');
  }

  /** Bytes before the marker, kept or not. */
  get bannerBytes(): number {
    return this.skipped + (this.found ? 0 : this.carry.length);
  }

  private keep(bytes: Buffer): void {
    this.skipped += bytes.length;
    if (this.kept.length < BANNER_KEPT && bytes.length > 0)
      this.kept = Buffer.concat([this.kept, bytes.subarray(0, BANNER_KEPT - this.kept.length)]);
  }
}

/** A readable of the command's output alone, for a stream that starts with the banner. */
export function cutStream(cut: BannerCut): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const rest = cut.push(chunk);
      done(null, rest.length > 0 ? rest : undefined);
    },
  });
}

/** The hint for a host whose shell prints before every command: harmless to us, fatal to scp and sftp. */
export function loginBannerHint(banner: string): string {
  return `your shell prints at login: ${describe(banner)}; ${QUIET_SHELL_FIX}`;
}
