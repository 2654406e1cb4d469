/**
 * The worker: started once per host (as a child process here, at the end of an SSH channel later),
 * it speaks framed messages on stdin/stdout and trains trees with `--cores` parallel slots.
 */
import {availableParallelism} from 'node:os';
import {FramedConnection, type Message} from '../protocol/connection.js';
import {type FromWorker, PROTOCOL_VERSION, type ToWorker} from '../protocol/messages.js';
import {DatasetCache, receiveDataset} from './dataset-cache.js';
import {readCpuSample} from './cpu-sample.js';
import {readMachineIdentity} from './machine-identity.js';
import {float64Body} from '../protocol/float64-body.js';
import {NetworkSession} from './network-session.js';
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
      void connection.send({
        type: 'ready',
        version: PROTOCOL_VERSION,
        pid: process.pid,
        cores,
        cpus: availableParallelism(),
        node: process.version,
      });
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
    case 'net-ring-listen':
    case 'net-ring-form':
    case 'net-ring-abort':
    case 'net-ring-end':
    case 'net-commit':
    case 'net-weights':
      handleNetwork(header, body);
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

/** A network's messages: one run at a time, the last started. */
function handleNetwork(header: Extract<ToWorker, {type: `net-${string}`}>, body: Uint8Array): void {
  if (header.type === 'net-start') {
    const dataset = cache.get(header.datasetHash);
    if (!dataset) throw new Error(`data set ${header.datasetHash.slice(0, 12)} is not cached here`);
    network?.close();
    network = new NetworkSession(header.run, header.spec, dataset, header.classes);
    return;
  }
  if (!network || network.run !== header.run) throw new Error(`no network run ${header.run} started here`);
  const session = network;
  switch (header.type) {
    case 'net-grad':
      if (header.ring) void answerRing(session, {...header, ring: header.ring});
      else {
        const {sum, ...figures} = session.gradient(header);
        void connection.send(
          {type: 'net-gradient', run: header.run, ...figures},
          new Uint8Array(sum.buffer, sum.byteOffset, sum.byteLength),
        );
      }
      return;
    case 'net-update':
      session.update(float64Body(body), header.rows);
      return;
    case 'net-commit':
      session.commit();
      return;
    case 'net-hash':
      void connection.send({type: 'net-hash', run: header.run, hash: session.hash()});
      return;
    case 'net-weights': {
      const weights = session.weights();
      void connection.send(
        {type: 'net-weights', run: header.run},
        new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
      );
      return;
    }
    default:
      handleRing(session, header);
  }
}

function handleRing(
  session: NetworkSession,
  header: Extract<ToWorker, {type: 'net-ring-listen' | 'net-ring-form' | 'net-ring-abort' | 'net-ring-end'}>,
): void {
  if (header.type === 'net-ring-listen') {
    const {bind, coordinator} = ringBind(header.bind, process.env.SSH_CONNECTION);
    void RingMember.listen(header.run, Buffer.from(header.key, 'hex'), bind).then(
      (ring) => {
        session.ring?.close();
        session.ring = ring;
        return connection.send({type: 'net-ring-listening', run: header.run, coordinator, ...ring.address()});
      },
      (error: Error) =>
        connection.send({
          type: 'error',
          run: header.run,
          message: `cannot listen for the ring on ${bind}: ${error.message}`,
        }),
    );
  } else if (header.type === 'net-ring-form') {
    if (!session.ring) throw new Error(`network run ${header.run} has no ring listener`);
    void session.ring.form(header.generation, header.rank, header.size, header.next).then(
      () => connection.send({type: 'net-ring-formed', run: header.run, generation: header.generation}),
      (error: Error) =>
        connection.send({
          type: 'net-ring-formed',
          run: header.run,
          generation: header.generation,
          failed: error.message,
        }),
    );
  } else if (header.type === 'net-ring-abort') session.ring?.abort(header.generation, header.reason);
  else session.ring?.close();
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
  await pool.close();
  process.exit(code);
}
