import type {Readable, Writable} from 'node:stream';
import {encodeFrame, FrameDecoder} from './framing.js';

export interface Message<T> {
  header: T;
  body: Uint8Array;
}

/**
 * Frames in both directions over any pair of byte streams (a child's stdio, an SSH channel).
 * `onMessage` sees each whole frame; `onError` a stream that broke the protocol.
 */
export class FramedConnection<In extends {type: string}, Out extends {type: string}> {
  private readonly decoder = new FrameDecoder();
  /** One wait for the stream to drain, shared by every send behind it (a listener each drew Node's leak warning into the worker's stderr). */
  private drained: Promise<void> | undefined;

  constructor(
    input: Readable,
    private readonly output: Writable,
    onMessage: (message: Message<In>) => void,
    onError: (error: Error) => void,
  ) {
    input.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = this.decoder.push(chunk);
      } catch (error) {
        input.destroy();
        onError(error as Error);
        return;
      }
      for (const frame of frames) onMessage(frame as unknown as Message<In>);
    });
  }

  /** Resolves once the bytes are handed to the stream; the body's parts are written as they are, not copied. */
  send(header: Out, ...body: Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.output.destroyed || this.output.writableEnded) return reject(new Error('connection closed'));
      let flushed = true;
      for (const part of encodeFrame(header as never, body))
        flushed = this.output.write(part, (error) => (error ? reject(error) : undefined));
      if (flushed) resolve();
      else void this.drain().then(resolve);
    });
  }

  private drain(): Promise<void> {
    this.drained ??= new Promise<void>((resolve) =>
      this.output.once('drain', () => {
        this.drained = undefined;
        resolve();
      }),
    );
    return this.drained;
  }
}
