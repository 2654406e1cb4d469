/**
 * The worker: started once per host (as a child process here, at the end of an SSH channel later),
 * it speaks framed messages on stdin/stdout, trains trees with `--cores` parallel slots and
 * computes a network's steps on `--cores` threads.
 */
import {availableParallelism} from 'node:os';
import {FramedConnection, type Message} from '../protocol/connection.js';
import {type FromWorker, PROTOCOL_VERSION, type ToWorker} from '../protocol/messages.js';
import {DatasetCache, receiveDataset} from './dataset-cache.js';
import {readCpuSample} from './cpu-sample.js';
import {readMachineIdentity} from './machine-identity.js';
import {float64Body} from '../protocol/float64-body.js';
import {NetworkSession} from './network-session.js';
import {NetworkThreads} from './network-threads.js';
import {RingMember} from './ring.js';
import {ringBind} from './ring-bind.js';
import {CancelledError, SlotPool} from './slot-pool.js';

process.title = 'cluster-worker';
// stdout carries frames only: anything a library prints goes to stderr instead.
console.log = console.error;
console.info = console.error;

const coresArgument = process.argv[process.argv.indexOf('--cores') + 1];
// `--cores auto`: the inventory gave none, so the host's own CPUs decide the slots.
const cores = coresArgument === 'auto' ? availableParallelism() : Number(coresArgument) || 1;
const pool = new SlotPool(cores);
// The slots start (and warm up) now; hello is answered when they are ready, so no fit waits on them.
const slotsReady = pool.startAll();
const networkThreads = new NetworkThreads(cores);
const cache = new DatasetCache();

const connection = new FramedConnection<ToWorker, FromWorker>(
  process.stdin,
  process.stdout,
  (message) => {
    try {
      handle(message);
    } catch (error) {
      void connection.send({type: 'error', message: (error as Error).message});
    }
  },
  (error) => {
    process.stderr.write(`cluster-worker: ${error.message}\n`);
    void stop(1);
  },
);
// A heartbeat a second, from the main thread (slots train in their own threads), so the
// coordinator can tell a silent host from a busy one.
const HEARTBEAT_MS = 1000;
setInterval(() => void connection.send({type: 'heartbeat'}).catch(() => undefined), HEARTBEAT_MS);

// The coordinator going away (pipe closed, SSH channel dropped) ends the worker: no orphans.
process.stdin.on('end', () => void stop(0));
process.stdout.on('error', () => void stop(1));

function handle({header, body}: Message<ToWorker>): void {
  switch (header.type) {
    case 'hello':
      void slotsReady.then(() =>
        connection.send({
          type: 'ready',
          version: PROTOCOL_VERSION,
          pid: process.pid,
          cores,
          cpus: availableParallelism(),
          node: process.version,
          arch: process.arch,
        }),
      );
      return;
    case 'dataset-offer':
      void connection.send({type: 'dataset-status', hash: header.hash, cached: cache.has(header.hash)});
      return;
    case 'dataset':
      cache.add(receiveDataset(header, body));
      void connection.send({type: 'dataset-status', hash: header.hash, cached: true});
      return;
    case 'train':
      train(checkTrainOrder(header));
      return;
    case 'cancel':
      pool.cancel(header.run);
      return;
    case 'cpu':
      void connection.send({type: 'cpu', ...readCpuSample()});
      return;
    case 'net-start':
    case 'net-grad':
    case 'net-update':
    case 'net-hash':
    case 'net-commit':
    case 'net-weights':
    case 'net-ring-listen':
    case 'net-ring-form':
      handleNetwork(header, body);
      return;
    case 'net-ring-abort':
    case 'net-ring-end':
      // Not queued behind the steps: an abort must reach a reduction that waits on a lost host.
      handleRing(header);
      return;
    case 'identify':
      // Read when asked, not at start: a calibration needs the limits as they are now.
      void connection.send({type: 'identity', ...readMachineIdentity()});
      return;
    default:
      // A newer coordinator, or bytes that only look like the protocol: say so, keep serving.
      void connection.send({
        type: 'error',
        message: `unknown message type ${JSON.stringify((header as {type: unknown}).type)}`,
      });
  }
}

/** A train order as the coordinator sends it, or an error reply naming what is not. */
function checkTrainOrder(order: Extract<ToWorker, {type: 'train'}>): Extract<ToWorker, {type: 'train'}> {
  const whole = (value: unknown) => Number.isSafeInteger(value);
  const wellFormed =
    whole(order.run) &&
    typeof order.datasetHash === 'string' &&
    typeof order.options === 'object' &&
    order.options !== null &&
    Array.isArray(order.trees) &&
    order.trees.every((tree) => typeof tree === 'object' && tree !== null && whole(tree.index) && whole(tree.seed));
  if (!wellFormed)
    throw new Error(
      'a train order that is not well formed (run, datasetHash, options and trees of {index, seed} are needed)',
    );
  return order;
}

function train(order: Extract<ToWorker, {type: 'train'}>): void {
  const dataset = cache.get(order.datasetHash);
  for (const {index, seed} of order.trees) {
    if (!dataset) {
      void connection.send({
        type: 'error',
        run: order.run,
        index,
        message: `data set ${order.datasetHash.slice(0, 12)} is not cached here`,
      });
      continue;
    }
    pool
      .train(dataset, order.options, seed, order.run)
      .then(
        ({tree, seconds, slot, waited}) =>
          connection.send({type: 'tree', run: order.run, index, seconds, slot, waited}, tree),
        (error: Error) =>
          error instanceof CancelledError
            ? undefined
            : connection.send({type: 'error', run: order.run, index, message: error.message}),
      )
      .catch(() => stop(1));
  }
}

let network: NetworkSession | undefined;
let networkTurn = Promise.resolve();

/**
 * A network's messages, one run at a time (the last started), each handled once the one before is
 * done: an update never lands while a step's threads read the weights.
 */
function handleNetwork(header: NetworkMessage, body: Uint8Array): void {
  networkTurn = networkTurn
    .then(() => networkMessage(header, body))
    .catch((error: Error) => connection.send({type: 'error', message: error.message}))
    .catch(() => undefined);
}

type NetworkMessage = Extract<
  ToWorker,
  {
    type:
      | 'net-start'
      | 'net-grad'
      | 'net-update'
      | 'net-commit'
      | 'net-hash'
      | 'net-weights'
      | 'net-ring-listen'
      | 'net-ring-form';
  }
>;

async function networkMessage(header: NetworkMessage, body: Uint8Array): Promise<void> {
  if (header.type === 'net-start') {
    const dataset = cache.get(header.datasetHash);
    if (!dataset) throw new Error(`data set ${header.datasetHash.slice(0, 12)} is not cached here`);
    network?.close();
    network = new NetworkSession(header.run, header.spec, dataset, header.classes, networkThreads);
    return;
  }
  const session = sessionOf(header.run);
  switch (header.type) {
    case 'net-grad':
      if (header.ring) return answerRing(session, {...header, ring: header.ring});
      else {
        const {sum, rows, loss, clamped, seconds, threadSeconds} = await session.gradient(header);
        await connection.send(
          {type: 'net-gradient', run: header.run, rows, loss, clamped, seconds, threadSeconds},
          new Uint8Array(sum.buffer, sum.byteOffset, sum.byteLength),
        );
      }
      return;
    case 'net-update':
      return session.update(float64Body(body), header.rows);
    case 'net-commit':
      return session.commit();
    case 'net-hash':
      return connection.send({type: 'net-hash', run: header.run, hash: session.hash()});
    case 'net-weights': {
      const weights = session.weights();
      return connection.send(
        {type: 'net-weights', run: header.run},
        new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
      );
    }
    default:
      return joinRing(session, header);
  }
}

function sessionOf(run: number): NetworkSession {
  if (!network || network.run !== run) throw new Error(`no network run ${run} started here`);
  return network;
}

/** Listening and joining are queued with the steps; they wait only on the ring's other hosts, which an abort frees. */
async function joinRing(
  session: NetworkSession,
  header: Extract<ToWorker, {type: 'net-ring-listen' | 'net-ring-form'}>,
): Promise<void> {
  if (header.type === 'net-ring-listen') {
    const {bind, coordinator} = ringBind(header.bind, process.env.SSH_CONNECTION);
    const ring = await RingMember.listen(header.run, Buffer.from(header.key, 'hex'), bind).catch((error: Error) => {
      throw new Error(`cannot listen for the ring on ${bind}: ${error.message}`);
    });
    session.ring?.close();
    session.ring = ring;
    return connection.send({type: 'net-ring-listening', run: header.run, coordinator, ...ring.address()});
  }
  if (!session.ring) throw new Error(`network run ${header.run} has no ring listener`);
  const failed = await session.ring.form(header.generation, header.rank, header.size, header.next).then(
    () => undefined,
    (error: Error) => error.message,
  );
  return connection.send({type: 'net-ring-formed', run: header.run, generation: header.generation, failed});
}

/** An abort or the run's end, handled at once: a reduction in the queue may be waiting on a lost host. */
function handleRing(header: Extract<ToWorker, {type: 'net-ring-abort' | 'net-ring-end'}>): void {
  if (!network || network.run !== header.run) return;
  if (header.type === 'net-ring-abort') network.ring?.abort(header.generation, header.reason);
  else network.ring?.close();
}

async function answerRing(
  session: NetworkSession,
  order: Parameters<NetworkSession['ringGradient']>[0],
): Promise<void> {
  try {
    const answer = await session.ringGradient(order);
    await connection.send({type: 'net-gradient', run: order.run, ...answer});
  } catch (error) {
    await connection.send({type: 'error', run: order.run, message: (error as Error).message}).catch(() => undefined);
  }
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all([pool.close(), networkThreads.close()]);
  process.exit(code);
}
