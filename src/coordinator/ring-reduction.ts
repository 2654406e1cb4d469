import {randomBytes} from 'node:crypto';
import {HostError} from '../errors.js';
import type {Batch} from '../network/batches.js';
import {CHUNK_ROWS, FIXED_POINT_SCALE} from '../network/gradient.js';
import type {RingAddress} from '../protocol/messages.js';
import type {NetworkRun, Reduction} from './network-run.js';
import {RunFailedError} from './run.js';
import type {WorkerClient} from './worker-client.js';

/** Formations or reductions in a row that may fail with no host lost before the run gives up. */
const RING_RETRIES = 2;

type Answer = Awaited<ReturnType<WorkerClient['ringGradient']>>;

/**
 * The paper's other architecture: the hosts sum their gradients among themselves, in a ring over
 * TCP (TLS with a key made for the run), and each applies the total; the coordinator only hands
 * out chunks and hears the loss, so its links carry no gradients. A host lost during a step: the
 * ring is formed again without it and its chunks are computed by the others in the same step,
 * added to what they hold, and summed again: the same total, so the same weights, as without it.
 */
export class RingReduction implements Reduction {
  private readonly key = randomBytes(32);
  private readonly addresses = new Map<WorkerClient, RingAddress>();
  private generation = 0;

  constructor(private readonly run: NetworkRun) {}

  async open(): Promise<void> {
    await this.listen();
    await this.form();
  }

  async step(epoch: number, batch: Batch, index: number): Promise<number> {
    const {run} = this;
    // The chunk ranges each host computed in this step (a lost host's go round again), and its computing time.
    const given = new Map<WorkerClient, [number, number][]>();
    const computing = new Map<WorkerClient, {seconds: number; threadSeconds: number}>();
    const pending: [number, number][] = [[0, batch.chunks]];
    let failedInARow = 0;
    for (let attempt = 0; ; attempt++) {
      const [first, last] = pending.pop() ?? [0, 0];
      const hosts = [...run.live];
      if (hosts.length === 0) throw new RunFailedError(run.faults);
      const ranges = run.divide(hosts, last - first).map(([a, b]): [number, number] => [first + a, first + b]);
      hosts.forEach((worker, h) => given.set(worker, [...(given.get(worker) ?? []), ranges[h]]));
      const at = run.now();
      const answers = await this.reduceOnce(hosts, epoch, batch, index, ranges, attempt > 0);
      let lost = 0;
      answers.forEach((answer, h) => {
        if (answer.status === 'fulfilled') {
          const so = computing.get(hosts[h]) ?? {seconds: 0, threadSeconds: 0};
          computing.set(hosts[h], {
            seconds: so.seconds + answer.value.seconds,
            threadSeconds: so.threadSeconds + answer.value.threadSeconds,
          });
          return;
        }
        const mine = given.get(hosts[h])!.filter(([a, b]) => b > a);
        run.lose(
          hosts[h],
          answer.reason as Error,
          mine.reduce((sum, [a, b]) => sum + b - a, 0),
        );
        pending.push(...mine);
        lost++;
      });
      const broken = lost > 0 || answers.some((answer) => answer.status === 'fulfilled' && answer.value.ringFailed);
      if (!broken && pending.length === 0) {
        const values = answers.map((answer) => (answer as PromiseFulfilledResult<Answer>).value);
        this.recordStep(index, at, batch, hosts, given, computing, values);
        for (const worker of hosts) worker.commitNetwork(run.run);
        return values[0].loss / FIXED_POINT_SCALE;
      }
      if (broken) {
        failedInARow = lost > 0 ? 0 : failedInARow + 1;
        if (failedInARow > RING_RETRIES) throw this.ringError(answers, hosts);
        await this.form();
      }
    }
  }

  async weights(): Promise<Float64Array> {
    const {run} = this;
    if (run.live.length === 0) throw new RunFailedError(run.faults);
    const [first] = run.live;
    const weights = await first.networkWeights(run.run);
    await run.checkCopies(weights, first);
    return weights;
  }

  close(): void {
    for (const worker of this.run.live) worker.endRing(this.run.run);
  }

  /** One reduction: each host computes its range and the ring sums; a host lost or a broken ring aborts the others'. */
  private reduceOnce(
    hosts: readonly WorkerClient[],
    epoch: number,
    batch: Batch,
    index: number,
    ranges: readonly [number, number][],
    more: boolean,
  ): Promise<PromiseSettledResult<Answer>[]> {
    const {run} = this;
    const generation = this.generation;
    const abortOthers = (reason: string) => {
      for (const worker of hosts) worker.abortRing(run.run, generation, reason);
    };
    return Promise.allSettled(
      hosts.map(async (worker, h) => {
        try {
          const answer = await worker.ringGradient({
            run: run.run,
            epoch,
            from: batch.from,
            to: batch.to,
            first: ranges[h][0],
            last: ranges[h][1],
            chunks: batch.chunks,
            ring: {generation, step: index, more},
          });
          if (answer.ringFailed) abortOthers(`${worker.host.name}'s ring broke: ${answer.ringFailed}`);
          return answer;
        } catch (error) {
          // A host that died or went silent leaves its neighbours waiting on it: free them.
          abortOthers(`${worker.host.name} was lost`);
          throw error;
        }
      }),
    );
  }

  /** Each host's part of the step, all its attempts together: its chunks and rows, its computing. */
  private recordStep(
    index: number,
    at: number,
    batch: Batch,
    hosts: readonly WorkerClient[],
    given: ReadonlyMap<WorkerClient, [number, number][]>,
    computing: ReadonlyMap<WorkerClient, {seconds: number; threadSeconds: number}>,
    answers: readonly Answer[],
  ): void {
    const slowest = Math.max(...hosts.map((worker) => computing.get(worker)?.seconds ?? 0));
    const n = hosts.length;
    // Each host sends 2(n-1) segments of 1/n of the vector and receives as many.
    const bytes = n > 1 ? (2 * 2 * (n - 1) * 8 * (this.run.shape.parameters + 3)) / n : 0;
    hosts.forEach((worker, h) => {
      const ranges = given.get(worker) ?? [];
      const {seconds, threadSeconds} = computing.get(worker) ?? {seconds: 0, threadSeconds: 0};
      const waitSeconds = slowest - seconds;
      this.run.record(index, at, {
        worker,
        chunks: ranges.reduce((sum, [a, b]) => sum + b - a, 0),
        // The ring's answer carries the step's rows; the host's own are its chunks'.
        rows: ranges.reduce((sum, range) => sum + rowsOf(batch, range), 0),
        seconds,
        threadSeconds,
        exchangeSeconds: Math.max(0, answers[h].ringSeconds - waitSeconds),
        waitSeconds,
        bytes,
      });
    });
  }

  /**
   * Every host listens on one address: an SSH host on its own end of its SSH connection, a local
   * host on the loopback, or, when SSH hosts must reach it too, on this machine's address as they see it.
   */
  private async listen(): Promise<void> {
    const {run} = this;
    const remote = run.live.filter((worker) => worker.host.transport !== 'local');
    const local = run.live.filter((worker) => worker.host.transport === 'local');
    const seen = new Set<string>();
    await this.listenAll(
      remote,
      () => null,
      (reply) => reply.coordinator && seen.add(reply.coordinator),
    );
    if (local.length === 0) return;
    if (seen.size > 1)
      throw new HostError(
        local.map((worker) => worker.host.name).join(', '),
        `the SSH hosts reach this machine at ${[...seen].join(' and ')}, so its local hosts would have no one address to listen on for the ring`,
        '',
        'ring-address',
      );
    const bind = seen.size === 1 ? [...seen][0] : '127.0.0.1';
    await this.listenAll(
      local,
      () => bind,
      () => undefined,
    );
  }

  private async listenAll(
    workers: readonly WorkerClient[],
    bind: () => string | null,
    heard: (reply: {coordinator: string | null}) => unknown,
  ): Promise<void> {
    const answers = await Promise.allSettled(
      workers.map((worker) => worker.listenRing(this.run.run, this.key, bind())),
    );
    answers.forEach((answer, i) => {
      if (answer.status === 'rejected') return this.run.lose(workers[i], answer.reason as Error, 0);
      this.addresses.set(workers[i], {address: answer.value.address, port: answer.value.port});
      heard(answer.value);
    });
  }

  /**
   * A new generation of the ring over the live hosts, in their order. A host lost meanwhile is left
   * out and the ring formed again; failures with no host lost end the run after a few tries.
   */
  private async form(): Promise<void> {
    const {run} = this;
    for (let failedInARow = 0; ;) {
      const hosts = [...run.live];
      if (hosts.length === 0) throw new RunFailedError(run.faults);
      const generation = ++this.generation;
      const abortOthers = () => {
        for (const worker of hosts) worker.abortRing(run.run, generation, 'the ring could not be formed');
      };
      const answers = await Promise.allSettled(
        hosts.map(async (worker, rank) => {
          const failed = await worker
            .formRing({
              run: run.run,
              generation,
              rank,
              size: hosts.length,
              next: this.addresses.get(hosts[(rank + 1) % hosts.length])!,
            })
            .catch((error: Error) => (abortOthers(), Promise.reject(error)));
          // Its neighbours wait for a host that could not join: free them.
          if (failed !== undefined) abortOthers();
          return failed;
        }),
      );
      const before = run.live.length;
      const failures = await this.formFailures(hosts, answers);
      if (failures.length === 0) return;
      failedInARow = run.live.length < before ? 0 : failedInARow + 1;
      if (failedInARow > RING_RETRIES) throw failures[0];
    }
  }

  /**
   * Why a formation failed: hosts lost (dropped from the run), or, when a host could not reach a
   * next host that still answers, that: a firewall or a route, which no retry mends.
   */
  private async formFailures(
    hosts: readonly WorkerClient[],
    answers: PromiseSettledResult<string | undefined>[],
  ): Promise<Error[]> {
    const failures: Error[] = [];
    for (const [rank, answer] of answers.entries()) {
      if (answer.status === 'rejected') {
        this.run.lose(hosts[rank], answer.reason as Error, 0);
        failures.push(answer.reason as Error);
      } else if (answer.value !== undefined) {
        const next = hosts[(rank + 1) % hosts.length];
        // Asking the next host tells a dead one (its request fails) from one that cannot be reached.
        const alive = await next.cpu().then(
          () => true,
          (error: Error) => (this.run.lose(next, error, 0), false),
        );
        const address = this.addresses.get(next)!;
        failures.push(
          alive
            ? new HostError(
                hosts[rank].host.name,
                `cannot reach ${next.host.name}'s ring listener at ${address.address}:${address.port} (${answer.value}); check that a firewall lets the hosts connect to each other, or use reduce: central`,
                '',
                'ring-unreachable',
              )
            : new Error(answer.value),
        );
      }
    }
    return failures;
  }

  private ringError(answers: PromiseSettledResult<Answer>[], hosts: readonly WorkerClient[]): Error {
    const h = answers.findIndex((answer) => answer.status === 'fulfilled' && answer.value.ringFailed);
    const reason = h >= 0 ? (answers[h] as PromiseFulfilledResult<Answer>).value.ringFailed : 'unknown';
    return new HostError(
      hosts[Math.max(0, h)].host.name,
      `the ring broke ${RING_RETRIES + 1} times in a row with no host lost (${reason}); use reduce: central`,
      '',
      'ring-broken',
    );
  }
}

/** The rows of chunks [first, last) of a batch. */
function rowsOf(batch: Batch, [first, last]: [number, number]): number {
  return Math.max(0, Math.min(batch.to, batch.from + last * CHUNK_ROWS) - (batch.from + first * CHUNK_ROWS));
}
