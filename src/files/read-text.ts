import {isUtf8} from 'node:buffer';
import {closeSync, fstatSync, openSync, readSync, statSync} from 'node:fs';
import {InputError} from '../errors.js';
import {formatBytes} from '../limits.js';

/**
 * A user's text file (CSV, YAML), refused with an InputError when it is larger than `limit` or not
 * UTF-8. Errors of the file system itself (ENOENT, EISDIR, EACCES) are thrown as they are, for the
 * caller to word with userFileError (user-file.ts), which knows the file's role. `what` names the kind of file ("a CSV"), `tooLargeFix` what to do about its size,
 * `shownAs` the file as the user named it.
 */
export function readTextFile(
  file: string,
  options: {limit: number; what: string; tooLargeFix: string; shownAs?: string},
): string {
  const shownAs = options.shownAs ?? file;
  const tooLarge = () =>
    new InputError({
      file: shownAs,
      problem: `the file is larger than the ${formatBytes(options.limit)} ${options.what} may be`,
      fix: options.tooLargeFix,
    });
  return decodeUtf8(readBounded(file, options.limit, tooLarge, shownAs), shownAs);
}

/** The file's bytes, refused past `limit` before they are all read (a device like /dev/zero never ends). */
export function readBounded(file: string, limit: number, tooLarge: () => InputError, shownAs = file): Buffer {
  const fd = openReadable(file, shownAs);
  try {
    if (fstatSync(fd).size > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) throw tooLarge();
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a file to read, refusing a pipe or a socket first: opening a FIFO nobody writes to blocks
 * the whole process (Ctrl-C included), and a pipe such as `<(cat file)` can be read only once where
 * the toolkit may read a file twice (an inventory on resume). Devices pass: their reads are bounded.
 */
export function openReadable(file: string, shownAs = file): number {
  let kind: string | undefined;
  try {
    const stat = statSync(file);
    kind = stat.isFIFO() ? 'a pipe (FIFO)' : stat.isSocket() ? 'a socket' : undefined;
  } catch {
    // Missing or unreadable: openSync below throws the error its caller words.
  }
  if (kind)
    throw new InputError({
      file: shownAs,
      problem: `is ${kind}, not a file`,
      fix: 'save its contents to a file and name that file',
    });
  return openSync(file, 'r');
}

/** UTF-8 text, or the line and byte that are not: a bad byte replaced silently would become a new class, or a new host name. */
function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes);
  } catch {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      const text = bytes.subarray(start, end < 0 ? bytes.length : end);
      if (!isUtf8(text)) {
        const before = new TextDecoder('utf-8').decode(text).split('\ufffd')[0];
        const at = Buffer.byteLength(before);
        throw new InputError({
          file,
          line,
          problem: `byte 0x${text[at].toString(16).padStart(2, '0')} at byte ${at + 1} of the line is not UTF-8`,
          fix: 'save the file as UTF-8',
        });
      }
      start = end + 1;
    }
  }
}
