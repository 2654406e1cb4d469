import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import {workerCoresArgument} from '../config/host-cores.js';
import type {Host} from '../config/inventory.js';
import {TextTail, type Transport, type WorkerProcess} from './transport.js';

/** The bundle, the very file that provision uploads to ssh hosts. */
export const WORKER_BUNDLE = fileURLToPath(new URL('../../worker.mjs', import.meta.url));
/** How long a worker may take to exit after its input closes before it is killed. */
const STOP_GRACE_MS = 2000;

/** Runs the worker as a child process of this Node.js, on this machine. */
export const localTransport: Transport = {
  async start(host: Host): Promise<WorkerProcess> {
    const child = execa(process.execPath, [WORKER_BUNDLE, '--cores', workerCoresArgument(host)], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      // execa kills the child if this process exits first, so no worker outlives the coordinator.
      cleanup: true,
    });
    const tail = new TextTail();
    child.stderr!.on('data', (chunk: Buffer) => tail.push(chunk));
    const exited = child.then((result) => ({code: result.exitCode ?? null, signal: result.signal ?? null}));
    // A worker that failed to spawn still has to show up as exited, not as an unhandled rejection.
    child.stdin!.on('error', () => undefined);
    return {
      input: child.stdin!,
      output: child.stdout!,
      exited,
      stderrTail: () => tail.toString(),
      async stop() {
        child.stdin!.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      },
    };
  },
};
