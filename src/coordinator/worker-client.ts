import {performance} from 'node:perf_hooks';
import {adoptWorkerCores} from '../config/host-cores.js';
import type {Host} from '../config/inventory.js';
import type {Dataset} from '../data/dataset.js';
import {HostError} from '../errors.js';
import {FramedConnection, type Message} from '../protocol/connection.js';
import {
  type CpuSample,
  type FromWorker,
  type MachineIdentity,
  PROTOCOL_VERSION,
  type ToWorker,
  type TreeOrder,
} from '../protocol/messages.js';
import type {TreeOptions} from '../forest/trainer.js';
import type {NetworkSpec} from '../network/spec.js';
import type {Transport, WorkerProcess} from '../transport/transport.js';
import {provisionCommand} from '../transport/provision-hint.js';

export interface TreeResult {
  /** The run the tree was ordered for. */
  run: number;
  host: string;
  index: number;
  tree: Uint8Array;
  /** Training time inside the worker's slot. */
  seconds: number;
  /** Which of the host's slots trained it. */
  slot: number;
  /** How long it waited on the worker for a free slot. */
  waited: number;
}

export interface WorkerEvents {
  tree(result: TreeResult): void;
  /** The worker failed a tree or went away; the run decides what to do. */
  failed(error: HostError): void;
}

type Reply<T extends FromWorker['type']> = Extract<FromWorker, {type: T}>;

/** How long a worker may take to start and answer hello. */
const START_TIMEOUT_MS = 30_000;
/** A host that sends nothing, not even a heartbeat, for this long is lost (configurable per experiment). */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * The coordinator's handle on one host's worker. It only knows the protocol, never whether the
 * worker is a child process or at the end of an SSH channel.
 */
export class WorkerClient {
  private readonly connection: FramedConnection<FromWorker, ToWorker>;
  private readonly waiting = new Map<string, {resolve: (reply: FromWorker) => void; reject: (error: Error) => void}>();
  private listener: WorkerEvents | undefined;
  private lost: HostError | undefined;
  private closing = false;
  /** The body of the last reply of each type (a network's gradient), read by the request that awaited it. */
  private readonly bodies = new Map<string, Uint8Array>();
  /** Heartbeats received so far: the worker's main thread is alive whatever its slots are doing. */
  heartbeats = 0;
  /** What the worker said of itself when it started. */
  info: Reply<'ready'> | undefined;
  /** On a monotonic clock: a step of the wall clock must neither hide a silent host nor make one up. */
  private lastHeard = performance.now();
  private watchdog: NodeJS.Timeout | undefined;

  private constructor(
    readonly host: Host,
    private readonly process: WorkerProcess,
  ) {
    this.connection = new FramedConnection<FromWorker, ToWorker>(
      process.output,
      process.input,
      (message) => this.receive(message),
      (error) => this.lose(`sent bytes that are not the protocol (${error.message})`, 'protocol'),
    );
    void process.exited.then((exit) =>
      exit.lost
        ? this.lose(exit.lost, 'connection-lost')
        : this.lose(describeExit(exit.code, exit.signal), exitReason(exit.signal)),
    );
  }

  /** Watches for silence from the worker's hello on: starting (Node.js, an SSH login) is the start timeout's business. */
  private watch(heartbeatTimeoutMs: number): void {
    this.lastHeard = performance.now();
    const tick = Math.min(1000, heartbeatTimeoutMs / 2);
    let lastTick = performance.now();
    this.watchdog = setInterval(() => {
      const now = performance.now();
      // If this process itself was too busy to tick (merging a big forest), the silence is ours, not the host's.
      if (now - lastTick > 2 * tick) this.lastHeard = now;
      lastTick = now;
      const silent = now - this.lastHeard;
      if (silent > heartbeatTimeoutMs)
        this.lose(
          `silent for ${(silent / 1000).toFixed(1)} s (no heartbeat within ${heartbeatTimeoutMs / 1000} s)`,
          'silent',
        );
    }, tick);
    this.watchdog.unref();
  }

  static async open(
    host: Host,
    transport: Transport,
    heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS,
  ): Promise<WorkerClient> {
    const client = new WorkerClient(host, await transport.start(host));
    const ready = await client.request({type: 'hello', version: PROTOCOL_VERSION}, 'ready', START_TIMEOUT_MS);
    client.info = ready;
    adoptWorkerCores(host, ready);
    client.watch(heartbeatTimeoutMs);
    if (ready.version !== PROTOCOL_VERSION) {
      await client.close();
      throw new HostError(
        host.name,
        `worker speaks protocol ${ready.version}, this coordinator ${PROTOCOL_VERSION}; run: ${provisionCommand(host)}`,
        '',
        'protocol-version',
      );
    }
    return client;
  }

  /** Sends the data set unless the worker has it cached; returns the bytes shipped. */
  async ensureDataset(dataset: Dataset, hash: string): Promise<number> {
    const status = await this.request({type: 'dataset-offer', hash}, 'dataset-status');
    if (status.cached) return 0;
    const values = new Uint8Array(dataset.values.buffer, dataset.values.byteOffset, dataset.values.byteLength);
    const labels = new Uint8Array(dataset.labels.buffer, dataset.labels.byteOffset, dataset.labels.byteLength);
    await this.request(
      {type: 'dataset', hash, rows: dataset.rows, features: dataset.features, classes: dataset.classes.length},
      'dataset-status',
      undefined,
      [values, labels],
    );
    return values.byteLength + labels.byteLength;
  }

  /** Orders trees; each comes back through the listener's `tree`, in whatever order they finish. */
  train(run: number, datasetHash: string, options: TreeOptions, trees: TreeOrder[]): void {
    this.connection
      .send({type: 'train', run, datasetHash, options, trees})
      .catch((error: Error) => this.sendFailed('work', error));
  }

  /** The CPU time of the worker's machine and of the worker itself, for the interference check. */
  async cpu(): Promise<CpuSample> {
    const {type: _type, ...sample} = await this.request({type: 'cpu'}, 'cpu');
    return sample;
  }

  /** The machine and the CPU limits the worker runs under, as it reads them on its host now. */
  async identity(): Promise<MachineIdentity> {
    const {type: _type, ...identity} = await this.request({type: 'identify'}, 'identity');
    return identity;
  }

  /** Starts a network's run on the worker: its weights and optimizer from the spec's seed. */
  startNetwork(run: number, datasetHash: string, spec: NetworkSpec, classes: number): void {
    this.connection
      .send({type: 'net-start', run, datasetHash, spec, classes})
      .catch((error: Error) => this.sendFailed('work', error));
  }

  /** The worker's fixed-point gradient sum over chunks [first, last) of a batch. */
  async networkGradient(
    order: Omit<Extract<ToWorker, {type: 'net-grad'}>, 'type'>,
  ): Promise<{sum: Float64Array; rows: number; loss: number; clamped: number; seconds: number; threadSeconds: number}> {
    const reply = await this.request({type: 'net-grad', ...order}, 'net-gradient');
    const body = this.bodies.get('net-gradient')!;
    const sum = new Float64Array(body.byteLength / 8);
    new Uint8Array(sum.buffer).set(body);
    const {rows, loss, clamped, seconds, threadSeconds} = reply;
    return {sum, rows, loss, clamped, seconds, threadSeconds};
  }

  /**
   * The worker's part of a step summed over the ring of `ring.generation`: the ring's totals come
   * back, no gradient. `ringFailed` says the ring broke while the host itself answered.
   */
  async ringGradient(
    order: Omit<Extract<ToWorker, {type: 'net-grad'}>, 'type'> & {
      ring: {generation: number; step: number; more: boolean};
    },
  ): Promise<Omit<Reply<'net-gradient'>, 'type' | 'run'> & {ringSeconds: number}> {
    const {type: _type, run: _run, ...reply} = await this.request({type: 'net-grad', ...order}, 'net-gradient');
    return {...reply, ringSeconds: reply.ringSeconds ?? 0};
  }

  /** Opens the worker's ring listener (on `bind`, or on its end of its SSH connection for null). */
  async listenRing(run: number, key: Buffer, bind: string | null): Promise<Omit<Reply<'net-ring-listening'>, 'type'>> {
    const {type: _type, ...reply} = await this.request(
      {type: 'net-ring-listen', run, key: key.toString('hex'), bind},
      'net-ring-listening',
    );
    return reply;
  }

  /** Joins a ring generation; resolves with why it could not, or undefined. */
  async formRing(order: Omit<Extract<ToWorker, {type: 'net-ring-form'}>, 'type'>): Promise<string | undefined> {
    return (await this.request({type: 'net-ring-form', ...order}, 'net-ring-formed')).failed;
  }

  /** Fails the reduction the worker is in and drops its ring links: a host of the ring was lost. */
  abortRing(run: number, generation: number, reason: string): void {
    if (!this.lost) this.connection.send({type: 'net-ring-abort', run, generation, reason}).catch(() => undefined);
  }

  /** Closes the worker's ring listener and links: the run is over. */
  endRing(run: number): void {
    if (!this.lost) this.connection.send({type: 'net-ring-end', run}).catch(() => undefined);
  }

  /** The worker applies the step's total its ring left it. */
  commitNetwork(run: number): void {
    if (this.lost) return;
    this.connection.send({type: 'net-commit', run}).catch((error: Error) => this.sendFailed('work', error));
  }

  /** The worker's copy of the weights. */
  async networkWeights(run: number): Promise<Float64Array> {
    await this.request({type: 'net-weights', run}, 'net-weights');
    const body = this.bodies.get('net-weights')!;
    const weights = new Float64Array(body.byteLength / 8);
    new Uint8Array(weights.buffer).set(body);
    return weights;
  }

  /** The step's exact sum, which the worker applies to its copy of the weights. */
  updateNetwork(run: number, sum: Float64Array, rows: number): void {
    if (this.lost) return;
    this.connection
      .send({type: 'net-update', run, rows}, new Uint8Array(sum.buffer, sum.byteOffset, sum.byteLength))
      .catch((error: Error) => this.sendFailed('work', error));
  }

  /** The SHA-256 of the worker's copy of the weights. */
  async networkHash(run: number): Promise<string> {
    return (await this.request({type: 'net-hash', run}, 'net-hash')).hash;
  }

  /** Drops the run's trees the worker has not started. */
  cancel(run: number): void {
    if (!this.lost) this.connection.send({type: 'cancel', run}).catch(() => undefined);
  }

  get isLost(): boolean {
    return this.lost !== undefined;
  }

  listen(listener: WorkerEvents | undefined): void {
    this.listener = listener;
    if (listener && this.lost) listener.failed(this.lost);
  }

  /** Stops the worker; a run still waiting on it fails at once rather than waiting forever. */
  async close(): Promise<void> {
    if (!this.lost) this.fail('worker stopped by the coordinator', 'stopped');
    this.closing = true;
    clearInterval(this.watchdog);
    // The end of its input is the worker's signal to stop.
    await this.process.stop();
  }

  private request<T extends FromWorker['type']>(
    message: ToWorker,
    replyType: T,
    timeoutMs?: number,
    body: Uint8Array[] = [],
  ): Promise<Reply<T>> {
    if (this.lost) return Promise.reject(this.lost);
    return new Promise<Reply<T>>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => this.lose(`no answer within ${timeoutMs / 1000} s`, 'timeout'), timeoutMs);
      this.waiting.set(replyType, {
        resolve: (reply) => (clearTimeout(timer), resolve(reply as Reply<T>)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.connection.send(message, ...body).catch((error: Error) => this.sendFailed(message.type, error));
    });
  }

  private receive({header, body}: Message<FromWorker>): void {
    this.lastHeard = performance.now();
    if (header.type === 'heartbeat') {
      this.heartbeats++;
      return;
    }
    if (header.type === 'tree') {
      this.listener?.tree({
        run: header.run,
        host: this.host.name,
        index: header.index,
        tree: body,
        seconds: header.seconds,
        slot: header.slot,
        waited: header.waited,
      });
    } else if (header.type === 'error') {
      const tree = header.index === undefined ? '' : ` on tree ${header.index}`;
      this.listener?.failed(
        new HostError(
          this.host.name,
          `worker failed${tree}: ${header.message.split('\n')[0]}`,
          this.process.stderrTail(),
          'worker-error',
        ),
      );
      // An error that is no tree's answers a request: it must not wait forever.
      if (header.index === undefined) this.rejectWaiting(header.message);
    } else {
      const waiter = this.waiting.get(header.type);
      this.waiting.delete(header.type);
      this.bodies.set(header.type, body);
      waiter?.resolve(header);
    }
  }

  /** A write fails when the worker has just died: wait briefly so the message says how it died. */
  private async sendFailed(what: string, error: Error): Promise<void> {
    const exit = await Promise.race([
      this.process.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000).unref()),
    ]);
    if (exit?.lost) this.lose(exit.lost, 'connection-lost');
    else
      this.lose(
        exit ? describeExit(exit.code, exit.signal) : `cannot send ${what} (${error.message})`,
        exit ? exitReason(exit.signal) : 'connection-lost',
      );
  }

  private rejectWaiting(message: string): void {
    const error = new HostError(
      this.host.name,
      `worker failed: ${message.split('\n')[0]}`,
      this.process.stderrTail(),
      'worker-error',
    );
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  private lose(problem: string, reason: string): void {
    if (this.lost || this.closing) return;
    this.fail(problem, reason);
    clearInterval(this.watchdog);
    void this.process.stop();
  }

  private fail(problem: string, reason: string): void {
    this.lost = new HostError(this.host.name, problem, this.process.stderrTail(), reason);
    for (const waiter of this.waiting.values()) waiter.reject(this.lost);
    this.waiting.clear();
    this.listener?.failed(this.lost);
  }
}

/**
 * A worker killed by SIGINT got the Ctrl-C meant for us (SIGHUP: the terminal closed): a terminal
 * sends it to the whole process group, and the worker's exit can be seen before our own handler
 * runs. It is an interruption, not a host fault (the CLI makes it one; exit 130, not 3).
 */
function exitReason(signal: string | null): string {
  return signal === 'SIGINT' || signal === 'SIGHUP' ? 'interrupted' : 'exited';
}

function describeExit(code: number | null, signal: string | null): string {
  return `worker exited (${signal ? `killed by ${signal}` : `exit code ${code}`})`;
}
