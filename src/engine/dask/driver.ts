import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {ClusterError} from '../../errors.js';
import type {CpuSample} from '../../protocol/messages.js';
import {remoteCommand} from '../../text/shell-quote.js';
import {localShell, type ShellProcess} from '../../transport/shell.js';

/** Shipped with the package (`files`), beside dist/. */
export const DRIVER_SCRIPT = fileURLToPath(new URL('../../../../python/dask_driver.py', import.meta.url));

/** What the driver answers to a fit: times in seconds from the fit's start. */
export interface FitReply {
  seconds: number;
  accuracy: number;
  /** By tree index: the worker's name, its thread, start, end. */
  trees: [string | null, number, number, number][];
  /** Dask's task stream: worker, start, end of each task. */
  tasks: [string, number, number][];
  /** Workers the scheduler lost during the fit: worker, when, tasks it was processing. */
  faults: [string, number, number][];
  /** Each engine process's CPU before and after the fit: name, role (a row's 'worker', else 'engine'), sample. */
  cpu?: {before: EngineSample[]; after: EngineSample[]};
}

export type EngineSample = [string, 'worker' | 'engine', CpuSample | null];

/** The driver failed, or a fit did: carries the driver's own words. */
export class DriverError extends ClusterError {
  constructor(message: string) {
    super(`dask driver: ${message}`, 'host');
  }
}

/** The Python process that holds the Dask client and fits scikit-learn's forest: one JSON line each way. */
export class Driver {
  private readonly waiting: {resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void}[] = [];
  private ended: DriverError | undefined;
  private onProgress: ((done: number) => void) | undefined;

  private constructor(private readonly process: ShellProcess) {
    createInterface({input: process.output}).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof message.progress === 'number') this.onProgress?.(message.progress);
      else this.waiting.shift()?.resolve(message);
    });
    void process.exited.then((exit) => {
      this.ended = new DriverError(
        `exited (code ${exit.code ?? exit.signal}): ${process.stderrTail().trim().split('\n').at(-1) ?? ''}`,
      );
      for (const waiter of this.waiting.splice(0)) waiter.reject(this.ended);
    });
  }

  /** Starts it with `python`, connected to `scheduler` (with the client's certificate in `tlsDir`), with the split in `dataDir`; resolves once it is ready. */
  static async start(python: string, scheduler: string, dataDir: string, tlsDir?: string): Promise<Driver> {
    const driver = new Driver(
      await localShell.start(
        `exec ${remoteCommand([python, DRIVER_SCRIPT, scheduler, dataDir, ...(tlsDir ? [tlsDir] : [])])}`,
      ),
    );
    await driver.next();
    return driver;
  }

  /** The cluster's workers: name and threads. */
  workers(): Promise<[string, number][]> {
    return this.request({op: 'workers'}).then((reply) => reply.workers as [string, number][]);
  }

  /** `onProgress` hears the trees done as batches come back. */
  async fit(
    request: {workers: string[]; restrict?: boolean; timeout?: number; trees: number; params: Record<string, unknown>},
    onProgress?: (done: number) => void,
  ): Promise<FitReply> {
    this.onProgress = onProgress;
    try {
      return (await this.request({op: 'fit', ...request})) as unknown as FitReply;
    } finally {
      this.onProgress = undefined;
    }
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  private async request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = this.next();
    this.process.input.write(`${JSON.stringify(message)}\n`);
    return reply;
  }

  private async next(): Promise<Record<string, unknown>> {
    if (this.ended) throw this.ended;
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => this.waiting.push({resolve, reject}));
    if (typeof reply.error === 'string') throw new DriverError(reply.error);
    return reply;
  }
}
