import type {Host} from '../config/inventory.js';
import {workerBundle, remoteBundlePath} from '../provision/bundle.js';
import {SshSession} from '../ssh/session.js';
import {resolveTarget} from '../ssh/target.js';
import {TextTail, type Transport, type WorkerProcess} from './transport.js';

/** Exit codes the start command uses to say why the worker could not start. */
const NOT_PROVISIONED = 97;
const NODE_MISSING = 127;
/** How long a worker may take to exit after its input closes before the connection is cut. */
const STOP_GRACE_MS = 3000;

/**
 * Runs the worker at the end of an SSH exec channel: one connection per host, kept alive, and
 * the very same framed protocol over the channel as over a child's pipes.
 */
export const sshTransport: Transport = {
  async start(host: Host): Promise<WorkerProcess> {
    const session = await SshSession.connect(resolveTarget(host));
    const path = remoteBundlePath(workerBundle().version);
    // Fixed shell text, a hex version and an integer: nothing from the inventory reaches the shell.
    const command = `f=${path}; [ -f "$f" ] || exit ${NOT_PROVISIONED}; command -v node >/dev/null || exit ${NODE_MISSING}; exec node "$f" --cores ${Math.floor(host.cores)}`;
    const channel = await session.spawn(command).catch((error) => {
      session.close();
      throw error;
    });
    const tail = new TextTail();
    channel.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
    const exited = new Promise<{code: number | null; signal: string | null}>((resolve) => {
      channel.on('close', (code: number | null, signal?: string) => resolve({code: code ?? null, signal: signal ?? null}));
      session.onLost((error) => resolve({code: null, signal: error.message}));
    });
    void exited.then(({code}) => {
      if (code === NOT_PROVISIONED) tail.push(`the worker is not installed or out of date; run: cluster provision --hosts ${host.name}\n`);
      if (code === NODE_MISSING) tail.push(`Node.js is not installed on ${host.name}; run: cluster provision --hosts ${host.name} for what to do\n`);
      session.close();
    });
    return {
      input: channel,
      output: channel,
      exited,
      stderrTail: () => tail.toString(),
      async stop() {
        channel.end();
        const timer = setTimeout(() => session.close(), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      },
    };
  },
};

