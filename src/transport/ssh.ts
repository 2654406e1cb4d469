import {workerCoresArgument} from '../config/host-cores.js';
import type {Host} from '../config/inventory.js';
import {workerBundle, remoteBundlePath} from './bundle.js';
import {SshError, SshSession} from '../ssh/session.js';
import {resolveTarget} from '../ssh/target.js';
import {TextTail, type Transport, type WorkerExit, type WorkerProcess} from './transport.js';
import {provisionCommand} from './provision-hint.js';

/** Exit codes of the pre-start check, saying why the worker cannot start. */
const NOT_PROVISIONED = 97;
const CHANGED = 96;
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
    try {
      return await startWorker(session, host);
    } catch (error) {
      session.close();
      throw error;
    }
  },
};

async function startWorker(session: SshSession, host: Host): Promise<WorkerProcess> {
  // Fixed shell text, hex and integers: nothing from the inventory reaches the shell.
  const bundle = workerBundle();
  const path = remoteBundlePath(bundle.version);
  // Its checksum too, as provision and status check it: a worker changed or cut short must not run.
  const check = await session.exec(
    `command -v node >/dev/null || exit ${NODE_MISSING}; [ -f ${path} ] || exit ${NOT_PROVISIONED}; sum=$(sha256sum < ${path}) || exit ${CHANGED}; sum=\${sum%% *}; [ "$sum" = ${bundle.sha256} ] || { echo "$sum"; exit ${CHANGED}; }`,
  );
  if (check.code === NODE_MISSING)
    throw new SshError(
      host.name,
      'node-missing',
      `Node.js is not installed; run ${provisionCommand(host)} for how to install it`,
    );
  if (check.code === CHANGED)
    throw new SshError(
      host.name,
      'worker-changed',
      `the installed worker is not the one provision put there (sha256 ${check.stdout.trim() || 'unreadable'}, expected ${bundle.sha256}): it was changed or cut short; run: ${provisionCommand(host)}`,
    );
  if (check.code !== 0)
    throw new SshError(
      host.name,
      'not-provisioned',
      `the worker is not installed or out of date; run: ${provisionCommand(host)}`,
    );
  // Its frames come after the marker: whatever the login shell printed first is skipped.
  const {channel, output, errors} = await session.spawn(`exec node ${path} --cores ${workerCoresArgument(host)}`);
  const tail = new TextTail();
  errors.on('data', (chunk: Buffer) => tail.push(chunk));
  const exited = new Promise<WorkerExit>((resolve) => {
    channel.on('close', (code: number | null, signal?: string) =>
      resolve({code: code ?? null, signal: signal ?? null}),
    );
    session.onLost((error) => resolve({code: null, signal: null, lost: error.message}));
  });
  void exited.then(() => session.close());
  return {
    input: channel,
    output,
    exited,
    stderrTail: () => tail.toString(),
    async stop() {
      channel.end();
      const timer = setTimeout(() => session.close(), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
