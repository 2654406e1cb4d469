/**
 * Binary-safe frames, the same over a child's pipes and an SSH channel:
 *   u32be frameLength | u32be headerLength | header (UTF-8 JSON) | body (raw bytes)
 * frameLength counts everything after itself.
 */
export interface Frame {
  header: {type: string; [key: string]: unknown};
  body: Uint8Array;
}

/** Larger than any data set we ship (1M x 20 doubles is 160 MB); anything bigger is a corrupt stream. */
export const MAX_FRAME_BYTES = 1 << 30;

export function encodeFrame(header: Frame['header'], body: Uint8Array = new Uint8Array(0)): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const frame = Buffer.allocUnsafe(8 + json.length + body.byteLength);
  frame.writeUInt32BE(4 + json.length + body.byteLength, 0);
  frame.writeUInt32BE(json.length, 4);
  json.copy(frame, 8);
  frame.set(body, 8 + json.length);
  return frame;
}

export class FrameError extends Error {}

/** Cuts a byte stream into frames, whatever the chunk boundaries. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const length = this.peekLength();
      if (length < 4 || length > MAX_FRAME_BYTES) throw new FrameError(`bad frame length ${length}: the stream is not the cluster protocol`);
      if (this.buffered < 4 + length) break;
      frames.push(parseFrame(this.take(4 + length)));
    }
    return frames;
  }

  /** Bytes received but not yet part of a whole frame. */
  get pending(): number {
    return this.buffered;
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

function parseFrame(frame: Buffer): Frame {
  const headerLength = frame.readUInt32BE(4);
  if (8 + headerLength > frame.length) throw new FrameError(`bad header length ${headerLength}`);
  let header: Frame['header'];
  try {
    header = JSON.parse(frame.toString('utf8', 8, 8 + headerLength));
  } catch {
    throw new FrameError('frame header is not JSON');
  }
  if (typeof header?.type !== 'string') throw new FrameError('frame header has no type');
  return {header, body: frame.subarray(8 + headerLength)};
}
