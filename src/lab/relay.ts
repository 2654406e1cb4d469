/**
 * A delaying TCP relay, run by the lab in front of each host's sshd: every chunk waits the link's
 * latency (plus jitter; plus a retransmission timeout for the share of segments `loss` says) before
 * it goes on, in each direction, in order. The kernel here has no netem, so latency is added here.
 *   node relay.js LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT LATENCY_MS JITTER_MS LOSS
 */
import {createServer, connect, type AddressInfo, type Server, type Socket} from 'node:net';
import {performance} from 'node:perf_hooks';

const [listenHost, listenPort, targetHost, targetPort, latency, jitter, loss] = process.argv.slice(2);
const LATENCY = Number(latency);
const JITTER = Number(jitter);
const LOSS = Number(loss);
/** What a lost segment costs TCP: Linux's minimum retransmission timeout. */
const RTO_MS = 200;

process.title = 'cluster-lab-relay';

/** The schedule's clock: monotonic, so a step of the wall clock neither freezes a link nor skips its delay. */
const now = () => performance.now();

/** One queue and one timer per direction: chunks leave strictly in the order they came. */
function pipeDelayed(from: Socket, to: Socket): void {
  const queue: {due: number; chunk: Buffer | null}[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    while (queue.length > 0 && queue[0].due <= now()) {
      const {chunk} = queue.shift()!;
      if (chunk === null) to.end();
      else if (to.writable) to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0].due - now());
  };
  const push = (chunk: Buffer | null) => {
    let delay = LATENCY + (JITTER > 0 ? (Math.random() * 2 - 1) * JITTER : 0);
    if (chunk && LOSS > 0 && Math.random() < LOSS) delay += RTO_MS;
    // Never overtake an earlier chunk: a TCP stream stays in order.
    const due = Math.max(now() + Math.max(0, delay), queue.at(-1)?.due ?? 0);
    queue.push({due, chunk});
    if (!timer) timer = setTimeout(flush, due - now());
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
  from.on('error', () => to.destroy());
  from.on('close', () => {
    const last = queue.at(-1)?.due ?? now();
    setTimeout(() => to.destroy(), Math.max(0, last - now()) + 10);
  });
}

createServer((client) => {
  client.setNoDelay(true);
  const server = connect(Number(targetPort), targetHost);
  server.setNoDelay(true);
  pipeDelayed(client, server);
  pipeDelayed(server, client);
}).listen(Number(listenPort), listenHost, function (this: Server) {
  // Where it listens, for whoever asked for port 0 (the lab names its ports; its stdout goes nowhere).
  console.log(`listening on ${listenHost}:${(this.address() as AddressInfo).port}`);
});
