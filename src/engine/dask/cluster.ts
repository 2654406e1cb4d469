import type {Host} from '../../config/inventory.js';
import {HostError} from '../../errors.js';
import {remoteCommand} from '../../ssh/quote.js';
import {type HostShell, localShell, type ShellProcess, supervised} from '../../transport/shell.js';

/** How long the scheduler may take to say where it listens. */
const SCHEDULER_START_MS = 60_000;
/**
 * How long a dask worker may take to join the scheduler: importing Dask takes about 2.5 s of CPU,
 * which a lab host at a few percent of a core spreads over minutes.
 */
export const JOIN_SECONDS = 300;

/** A host ready for a dask worker: its shell, its Python, and this machine's address as it sees it. */
export interface DaskHost {
  host: Host;
  shell: HostShell;
  python: string;
  /** The scheduler's host part as this host reaches it. */
  schedulerHost: string;
}

/**
 * A Dask scheduler on this machine and one `dask worker` per host (one process, `cores` threads),
 * each in a supervised process group, so that stopping, a failure, Ctrl-C or the coordinator's
 * death leaves no Dask process behind.
 */
export class DaskCluster {
  private readonly workers = new Map<string, ShellProcess>();

  private constructor(
    private readonly scheduler: ShellProcess,
    readonly port: number,
  ) {}

  /** Port 0: the scheduler picks a free port, read back from what it logs, so runs never collide. */
  static async start(python: string, listenAll: boolean): Promise<DaskCluster> {
    const command = remoteCommand([python, '-m', 'distributed.cli.dask_scheduler', '--host', listenAll ? '0.0.0.0' : '127.0.0.1', '--port', '0', '--no-dashboard']);
    const scheduler = await localShell.start(supervised(command));
    scheduler.output.resume();
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      let settled = false;
      const timer = setTimeout(() => fail(`did not say where it listens within ${SCHEDULER_START_MS / 1000} s`), SCHEDULER_START_MS);
      const fail = (problem: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void scheduler.stop();
        reject(new HostError('coordinator', `the Dask scheduler ${problem}`, scheduler.stderrTail(), 'dask-scheduler'));
      };
      scheduler.errors.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const match = /Scheduler at:\s+\S+:(\d+)/.exec(text);
        if (match && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      void scheduler.exited.then((exit) => fail(`exited (code ${exit.code ?? exit.signal}) before listening`));
    });
    return new DaskCluster(scheduler, port);
  }

  /** Makes the cluster's workers exactly those of `hosts`: stops the others, starts the missing. */
  async use(hosts: DaskHost[]): Promise<void> {
    const wanted = new Set(hosts.map((h) => h.host.name));
    await Promise.all([...this.workers].filter(([name]) => !wanted.has(name)).map(([name, worker]) => (this.workers.delete(name), worker.stop())));
    for (const {host, shell, python, schedulerHost} of hosts) {
      if (this.workers.has(host.name)) continue;
      const command = remoteCommand([python, '-m', 'distributed.cli.dask_worker', `tcp://${schedulerHost}:${this.port}`, '--name', host.name, '--nthreads', String(host.cores), '--nworkers', '1', '--no-dashboard', '--death-timeout', String(JOIN_SECONDS)]);
      const worker = await shell.start(supervised(command));
      worker.output.resume();
      this.workers.set(host.name, worker);
    }
  }

  /** The end of a worker's log, for messages. */
  workerLog(name: string): string {
    return this.workers.get(name)?.stderrTail() ?? '';
  }

  async close(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
    await this.scheduler.stop();
  }
}
