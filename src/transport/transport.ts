import type {Readable, Writable} from 'node:stream';
import type {Host} from '../config/inventory.js';

/** A running worker, wherever it runs: bytes in, bytes out, and how it ended. */
export interface WorkerProcess {
  /** The worker's stdin. */
  readonly input: Writable;
  /** The worker's stdout: frames only. */
  readonly output: Readable;
  /** Resolves when the worker has gone, whatever the reason; `lost` says the link to it broke. */
  readonly exited: Promise<WorkerExit>;
  /** The last lines the worker wrote to stderr, for error messages. */
  stderrTail(): string;
  /** Ends the worker: closes its input, then kills it if it lingers. */
  stop(): Promise<void>;
}

export interface WorkerExit {
  code: number | null;
  signal: string | null;
  lost?: string;
}

/** The seam between the coordinator and where a worker runs (a local child process, an SSH channel). */
export interface Transport {
  start(host: Host): Promise<WorkerProcess>;
}

/** Keeps the end of a stream of text: enough to explain a failure without holding all of it. */
export class TextTail {
  private text = '';

  constructor(private readonly limit = 4000) {}

  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }

  toString(): string {
    return this.text;
  }
}
