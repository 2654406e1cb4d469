import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {JOIN_LAB_ENGINE_CGROUP} from '../lab-cgroup.js';
import {createInterface} from 'node:readline';
import type {Dataset} from '../../data/dataset.js';
import type {Fault} from '../../coordinator/run.js';
import type {NetworkSpec} from '../../network/spec.js';
import {CHUNK_ROWS} from '../../network/gradient.js';
import {printable} from '../../text/printable.js';
import {remoteCommand} from '../../text/shell-quote.js';
import type {ShellProcess} from '../../transport/shell.js';
import type {TorchHost} from './hosts.js';
import {RunStore, type StoreRequest} from './store.js';

/** Shipped with the package (`files`), beside dist/; sent to each host on the rank's input, so nothing is installed there. */
const DRIVER_SOURCE = fileURLToPath(new URL('../../../../python/torch_driver.py', import.meta.url));
// Reads the driver's source from its input and runs it: the same command for a local child and an SSH host.
const BOOTSTRAP =
  "import sys; n = int(sys.stdin.buffer.readline()); exec(compile(sys.stdin.buffer.read(n), 'torch_driver.py', 'exec'))";

/** What one rank says when it has trained: times from the group's first step, in seconds. */
export interface RankResult {
  rank: number;
  seconds: number;
  cpuSeconds: number;
  threads: number;
  chunks: number;
  /** Per step: when it began, its computing (forward, backward, update), its all-reduce (waiting for the others included). */
  starts: number[];
  compute: number[];
  allreduce: number[];
  bytesPerStep: number;
  /** Rank 0 only. */
  accuracy?: number;
  weightsHash?: string;
}

export interface GroupRun {
  ranks: RankResult[];
  /** Seconds from starting the processes to the last rank's answer, less the training: Python, torch's import, the rows, the rendezvous. */
  startSeconds: number;
}

/** The run failed as DistributedDataParallel fails: one rank down takes the group with it. */
export class GroupFailed extends Error {
  constructor(readonly faults: Fault[]) {
    super(faults.map((fault) => `${fault.host}: ${fault.message}`).join('; '));
  }
}

/**
 * How long every rank may take to start, import torch, take the rows and form the group: a few
 * seconds here, minutes on a lab host at a few percent of a core. A rank past it fails the run.
 */
export const JOIN_SECONDS = 300;

export interface GroupRequest {
  hosts: readonly TorchHost[];
  binds: readonly string[];
  spec: NetworkSpec;
  train: Dataset;
  test: Dataset;
  /** Gloo's timeout for any one operation: a frozen host fails the run after it. */
  timeoutSeconds: number;
  onProgress: (chunks: number) => void;
  signal?: AbortSignal;
  /** Defaults to JOIN_SECONDS. */
  joinSeconds?: number;
}

/**
 * One training by DistributedDataParallel: a rank per host started through its shell, the rows
 * sent on each rank's input, the rendezvous kept here, and every rank stopped however it ends.
 */
export async function runGroup(request: GroupRequest): Promise<GroupRun> {
  const started = performance.now();
  const store = new RunStore();
  const ranks: ShellProcess[] = [];
  const stopAll = () => Promise.all(ranks.map((rank) => rank.stop()));
  request.signal?.addEventListener('abort', stopAll, {once: true});
  try {
    for (const host of request.hosts)
      // The host's name on the command line names the process in ps, for a user and for the tests.
      ranks.push(
        await host.shell.start(
          `${JOIN_LAB_ENGINE_CGROUP}exec ${remoteCommand([host.python.path, '-u', '-c', BOOTSTRAP, 'rank', host.host.name])}`,
        ),
      );
    // Ranks that reached the rendezvous (asked the store), and those that formed the group.
    const [reached, joined] = [new Set<number>(), new Set<number>()];
    const answers = ranks.map((process, rank) =>
      answerOf(process, rank, request, store, {reached: () => reached.add(rank), joined: () => joined.add(rank)}),
    );
    const lateJoin = joinDeadline(ranks, {reached, joined}, request);
    ranks.forEach((process, rank) => sendRows(process, rank, request));
    const settled = await firstFailureStopsAll(answers, stopAll).finally(lateJoin);
    await Promise.all(ranks.map((process) => process.exited));
    const training = Math.max(...settled.map((rank) => rank.seconds));
    return {ranks: settled, startSeconds: Math.max(0, (performance.now() - started) / 1000 - training)};
  } finally {
    request.signal?.removeEventListener('abort', stopAll);
    await stopAll();
  }
}

/** Every rank's answer; when one fails, the others are stopped (they would wait on it until gloo's timeout) and the run fails naming it first. */
async function firstFailureStopsAll(
  answers: Promise<RankResult>[],
  stopAll: () => Promise<unknown>,
): Promise<RankResult[]> {
  const failures: Fault[] = [];
  const watched = answers.map((answer) =>
    answer.catch(async (error: unknown) => {
      const fault = (error as {fault?: Fault}).fault;
      const cause = failures[0];
      if (fault && !cause) failures.push(fault);
      else if (fault)
        failures.push({
          ...fault,
          reason: 'torch-group',
          message: `stopped with its group, which DistributedDataParallel cannot keep without ${cause.host}`,
        });
      if (!cause) await stopAll();
      return undefined;
    }),
  );
  const results = await Promise.all(watched);
  if (failures.length > 0 || results.some((result) => result === undefined)) throw new GroupFailed(failures);
  return results as RankResult[];
}

function sendRows(
  process: ShellProcess,
  rank: number,
  {hosts, binds, spec, train, test, timeoutSeconds}: GroupRequest,
) {
  const source = readFileSync(DRIVER_SOURCE);
  const withTest = rank === 0 ? test : undefined;
  const settings = {
    rank,
    world: hosts.length,
    bind: binds[rank],
    threads: hosts[rank].host.coresFrom === 'host' && hosts[rank].host.transport === 'ssh' ? 0 : hosts[rank].host.cores,
    timeoutSeconds,
    rows: train.rows,
    features: train.features,
    classes: train.classes.length,
    testRows: withTest?.rows ?? 0,
    chunkRows: CHUNK_ROWS,
    ...spec,
  };
  const {input} = process;
  input.write(`${source.length}\n`);
  input.write(source);
  input.write(`${JSON.stringify(settings)}\n`);
  for (const data of withTest ? [train, withTest] : [train]) {
    input.write(littleEndian(data.values));
    input.write(littleEndian(data.labels));
  }
}

/** The typed array's bytes, little-endian as the driver reads them (every host the toolkit runs on is). */
function littleEndian(array: Float64Array | Int32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Stops the ranks that have not joined the group `joinSeconds` after the start (their answers then
 * reject, saying so, and the others are stopped with them); returns what cancels it.
 */
function joinDeadline(
  ranks: ShellProcess[],
  {reached, joined}: {reached: ReadonlySet<number>; joined: ReadonlySet<number>},
  request: GroupRequest,
): () => void {
  const seconds = request.joinSeconds ?? JOIN_SECONDS;
  const timer = setTimeout(() => {
    // The ranks that never reached the rendezvous are late; the others were waiting for them.
    const late = (rank: number) => !joined.has(rank) && (!reached.has(rank) || reached.size === ranks.length);
    for (const [rank, process] of ranks.entries()) {
      if (!late(rank)) continue;
      lateRanks.add(process);
      void process.stop();
    }
  }, seconds * 1000);
  return () => clearTimeout(timer);
}

/** Ranks stopped for not joining in time: their failure says so. */
const lateRanks = new WeakSet<ShellProcess>();

/** Serves the rank's store requests and progress until it answers with its result, or fails. */
function answerOf(
  process: ShellProcess,
  rank: number,
  request: GroupRequest,
  store: RunStore,
  heard: {reached: () => void; joined: () => void},
): Promise<RankResult> {
  const host = request.hosts[rank].host.name;
  const fail = (message: string, reason = 'torch') =>
    Object.assign(new Error(message), {fault: faultOf(host, reason, message)});
  return new Promise<RankResult>((resolve, reject) => {
    let result: RankResult | undefined;
    let said: string | undefined;
    const lines = createInterface({input: process.output});
    lines.on('line', (line) => {
      const message = parse(line);
      if (message?.store) heard.reached();
      if (message?.store)
        store.handle(message.store as StoreRequest, (reply) => process.input.write(`${JSON.stringify(reply)}\n`));
      else if (typeof message?.progress === 'number' && rank === 0) request.onProgress(message.progress);
      else if (message?.started === true) heard.joined();
      else if (message?.result) result = message.result as RankResult;
      else if (typeof message?.error === 'string') said = message.error;
    });
    process.errors.resume();
    void process.exited.then((exit) => {
      lines.close();
      if (result) return resolve(result);
      if (lateRanks.has(process))
        return reject(
          fail(
            `the torch rank did not join the group within ${request.joinSeconds ?? JOIN_SECONDS} s (Python, torch's import, the rows and the rendezvous)`,
          ),
        );
      const why = said ?? process.stderrTail().trim().split('\n').at(-1) ?? '';
      const how = exit.lost ? `the SSH connection was lost (${exit.lost})` : `exited (${exit.code ?? exit.signal})`;
      reject(fail(`the torch rank ${how}${why ? `: ${printable(why).slice(0, 300)}` : ''}`));
    });
  });
}

function faultOf(host: string, reason: string, message: string): Fault {
  return {host, reason, message, at: 0, requeued: 0};
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
