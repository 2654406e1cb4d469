/**
 * Binary-safe frames, the same over a child's pipes and an SSH channel:
 *   u32be frameLength | u32be headerLength | header (UTF-8 JSON) | body (raw bytes)
 * frameLength counts everything after itself. The header is padded with spaces so that the body
 * starts 8-byte aligned, letting a receiver view a body of doubles in place, without a copy.
 */
export interface Frame {
  header: {type: string; [key: string]: unknown};
  body: Uint8Array;
}

/** Larger than any data set we ship (1M x 20 doubles is 160 MB); anything bigger is a corrupt stream. */
export const MAX_FRAME_BYTES = 1 << 30;
/** Frames above this size are received straight into shared memory, which worker threads can read. */
const LARGE_FRAME_BYTES = 1 << 20;

/** The frame as parts to write one after another, so a large body is never copied. */
export function encodeFrame(header: Frame['header'], body: readonly Uint8Array[] = []): Uint8Array[] {
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (8 - ((8 + json.length) % 8)) % 8;
  if (padding > 0) json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const bodyBytes = body.reduce((sum, part) => sum + part.byteLength, 0);
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32BE(4 + json.length + bodyBytes, 0);
  prefix.writeUInt32BE(json.length, 4);
  return [Buffer.concat([prefix, json]), ...body.filter((part) => part.byteLength > 0)];
}

export class FrameError extends Error {}

/** Cuts a byte stream into frames, whatever the chunk boundaries. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** A large frame being filled in place. */
  private large: {bytes: Uint8Array; filled: number} | undefined;

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let rest: Buffer | undefined = chunk;
    while (rest && rest.length > 0) {
      if (this.large) rest = this.fillLarge(rest, frames);
      else {
        this.chunks.push(rest);
        this.buffered += rest.length;
        rest = this.cutSmall(frames);
      }
    }
    return frames;
  }

  /** Bytes received but not yet part of a whole frame. */
  get pending(): number {
    return this.buffered + (this.large?.filled ?? 0);
  }

  /** Takes whole small frames off the buffer; returns bytes that belong to a large frame's start. */
  private cutSmall(frames: Frame[]): Buffer | undefined {
    for (;;) {
      if (this.buffered < 4) return undefined;
      const length = this.peekLength();
      if (length < 4 || length > MAX_FRAME_BYTES)
        throw new FrameError(
          `bad frame length ${length}${asText(this.chunks[0].subarray(0, 4))}: the stream is not the cluster protocol`,
        );
      if (length + 4 > LARGE_FRAME_BYTES) {
        this.large = {bytes: new Uint8Array(new SharedArrayBuffer(4 + length)), filled: 0};
        return this.take(this.buffered);
      }
      if (this.buffered < 4 + length) return undefined;
      frames.push(parseFrame(this.take(4 + length)));
    }
  }

  private fillLarge(chunk: Buffer, frames: Frame[]): Buffer {
    const large = this.large!;
    const used = Math.min(chunk.length, large.bytes.length - large.filled);
    large.bytes.set(chunk.subarray(0, used), large.filled);
    large.filled += used;
    if (large.filled === large.bytes.length) {
      this.large = undefined;
      frames.push(parseFrame(large.bytes));
    }
    return chunk.subarray(used);
  }

  private peekLength(): number {
    if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].readUInt32BE(0);
  }

  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = all.length > bytes ? [all.subarray(bytes)] : [];
    this.buffered -= bytes;
    return all.subarray(0, bytes);
  }
}

/** Text where a frame should start is a banner or a stray print, worth showing: ' ('Welc', text ...)'. */
function asText(bytes: Buffer): string {
  if (
    !bytes.every(
      (byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x1b,
    )
  )
    return '';
  const shown = bytes.toString('latin1').replace(/[\u0000-\u001f]/g, (char) => JSON.stringify(char).slice(1, -1));
  return ` ('${shown}', text where a frame should start)`;
}

function parseFrame(frame: Uint8Array): Frame {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(4);
  if (8 + headerLength > frame.length) throw new FrameError(`bad header length ${headerLength}`);
  let header: Frame['header'];
  try {
    header = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset + 8, headerLength).toString('utf8'));
  } catch {
    throw new FrameError('frame header is not JSON');
  }
  if (typeof header?.type !== 'string') throw new FrameError('frame header has no type');
  return {header, body: frame.subarray(8 + headerLength)};
}
