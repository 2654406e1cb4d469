import type {Readable, Writable} from 'node:stream';
import {execa} from 'execa';
import type {Host} from '../config/inventory.js';
import {type ConnectOptions, SshSession} from '../ssh/session.js';
import {resolveTarget} from '../ssh/target.js';
import {TextTail, type WorkerExit} from './transport.js';

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A long-running script on a host: its pipes, how it ended, and a way to end it. */
export interface ShellProcess {
  readonly input: Writable;
  readonly output: Readable;
  readonly errors: Readable;
  readonly exited: Promise<WorkerExit>;
  stderrTail(): string;
  /** Closes its input (a supervised script then ends its whole process group), and kills it if it lingers. */
  stop(): Promise<void>;
}

/**
 * A POSIX shell on a host, for programs other than our own worker (Dask's scheduler and workers,
 * Python probes): `sh -c` here, an exec channel over one SSH connection there. Scripts must be
 * built with remoteCommand or be fixed text.
 */
export interface HostShell {
  run(script: string): Promise<ShellResult>;
  start(script: string): Promise<ShellProcess>;
  close(): void;
}

/** How long a script may take to end after its input closes before it is killed. */
const STOP_GRACE_MS = 5000;

/**
 * Runs `command` in a process group of its own and ends the whole group (TERM, then KILL) when
 * the script's input closes: on stop, when the coordinator dies, when an SSH connection drops.
 * Ctrl-C on the terminal never reaches the group: the coordinator stops it in order.
 */
export function supervised(command: string): string {
  return [
    // A background job's input is /dev/null unless redirected: keep ours on descriptor 3 for the watcher.
    'exec 3<&0',
    `setsid ${command} </dev/null 3<&- & p=$!`,
    '(cat <&3 >/dev/null; kill -TERM -$p 2>/dev/null && { i=0; while kill -0 -$p 2>/dev/null && [ $i -lt 40 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL -$p 2>/dev/null; }) &',
    'wait $p; wait',
  ].join('\n');
}

export async function openShell(host: Host, options: ConnectOptions = {}): Promise<HostShell> {
  return host.transport === 'local' ? localShell : sshShell(await SshSession.connect(resolveTarget(host), options));
}

export const localShell: HostShell = {
  async run(script) {
    const result = await execa('sh', ['-c', script], {reject: false, stdin: 'ignore'});
    return {code: result.exitCode ?? null, stdout: String(result.stdout), stderr: String(result.stderr)};
  },
  async start(script) {
    // Its own process group, so Ctrl-C reaches only the coordinator, which stops it in order.
    const child = execa('sh', ['-c', script], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      detached: true,
      cleanup: true,
    });
    const exited = child.then((result) => ({code: result.exitCode ?? null, signal: result.signal ?? null}));
    child.stdin!.on('error', () => undefined);
    return describe(child.stdin!, child.stdout!, child.stderr!, exited, () => child.kill('SIGKILL'));
  },
  close() {},
};

function sshShell(session: SshSession): HostShell {
  return {
    run: (script) => session.exec(script),
    async start(script) {
      const {channel, output, errors} = await session.spawn(script);
      const exited = new Promise<WorkerExit>((resolve) => {
        channel.on('close', (code: number | null, signal?: string) =>
          resolve({code: code ?? null, signal: signal ?? null}),
        );
        session.onLost((error) => resolve({code: null, signal: null, lost: error.message}));
      });
      return describe(channel, output, errors, exited, () => channel.close());
    },
    close: () => session.close(),
  };
}

function describe(
  input: Writable,
  output: Readable,
  errors: Readable,
  exited: Promise<WorkerExit>,
  kill: () => void,
): ShellProcess {
  const tail = new TextTail();
  errors.on('data', (chunk: Buffer) => tail.push(chunk));
  return {
    input,
    output,
    errors,
    exited,
    stderrTail: () => tail.toString(),
    async stop() {
      input.end();
      const timer = setTimeout(kill, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
