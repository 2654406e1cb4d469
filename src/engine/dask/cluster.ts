import {readFileSync} from 'node:fs';
import {networkInterfaces} from 'node:os';
import {JOIN_LAB_ENGINE_CGROUP} from '../lab-cgroup.js';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {workerCoresArgument} from '../../config/host-cores.js';
import type {Host} from '../../config/inventory.js';
import {HostError} from '../../errors.js';
import {remoteCommand} from '../../text/shell-quote.js';
import {type HostShell, localShell, type ShellProcess, supervised} from '../../transport/shell.js';
import {printable} from '../../text/printable.js';
import {listenAddresses, type Route, workerBindProblem} from '../scheduler-address.js';
import {DRIVER_SCRIPT} from './driver.js';
import {privateFolderScript, WORKER_CREDENTIALS} from './worker-folder.js';

/** How long the scheduler may take to say where it listens. */
const SCHEDULER_START_MS = 60_000;
/**
 * How long a dask worker may take to join the scheduler: importing Dask takes about 2.5 s of CPU,
 * which a lab host at a few percent of a core spreads over minutes.
 */
export const JOIN_SECONDS = 300;
export const CRYPTOGRAPHY_INSTALL =
  'sudo apt install python3-cryptography (Debian, Raspberry Pi OS), or: python3 -m pip install cryptography';

/** A host ready for a dask worker: its shell, its Python, and the addresses it and this machine meet on. */
export interface DaskHost {
  host: Host;
  shell: HostShell;
  python: string;
  route: Route;
}

/**
 * A Dask scheduler on this machine and one `dask worker` per host (one process, `cores` threads),
 * each in a supervised process group, so that stopping, a failure, Ctrl-C or the coordinator's
 * death leaves no Dask process behind. Every connection is TLS with the sweep's own certificates,
 * both sides proving who they are; the scheduler listens only where the hosts reach it.
 */
export class DaskCluster {
  private readonly workers = new Map<string, ShellProcess>();

  private constructor(
    private readonly scheduler: ShellProcess,
    private readonly tlsDir: string,
    /** tls://HOST:PORT of the listener on each address the hosts reach this machine at. */
    private readonly listeners: Map<string, string>,
  ) {}

  /** Writes the sweep's certificates into `tlsDir` (a private folder) and listens on each address of `hosts`' routes, on free ports. */
  static async start(python: string, tlsDir: string, hosts: readonly DaskHost[]): Promise<DaskCluster> {
    const addresses = schedulerAddresses(hosts);
    const scheduler = await localShell.start(
      supervised(remoteCommand([python, DRIVER_SCRIPT, 'scheduler', tlsDir, ...addresses])),
    );
    scheduler.errors.resume();
    const listening = await listeningAddresses(scheduler, python);
    return new DaskCluster(scheduler, tlsDir, new Map(addresses.map((address, i) => [address, listening[i]])));
  }

  /** Where the driver connects: the loopback listener when there is one. */
  get driverAddress(): string {
    return this.listeners.get('127.0.0.1') ?? [...this.listeners.values()][0];
  }

  /** Makes the cluster's workers exactly those of `hosts`: stops the others, starts the missing. */
  async use(hosts: DaskHost[]): Promise<void> {
    const wanted = new Set(hosts.map((h) => h.host.name));
    await Promise.all(
      [...this.workers]
        .filter(([name]) => !wanted.has(name))
        .map(([name, worker]) => (this.workers.delete(name), worker.stop())),
    );
    for (const host of hosts) {
      if (this.workers.has(host.host.name)) continue;
      const worker = await host.shell.start(
        JOIN_LAB_ENGINE_CGROUP + privateFolderScript(supervised(this.workerCommand(host))),
      );
      // The worker's certificate and key travel inside the SSH session, never on a command line.
      worker.input.write(
        WORKER_CREDENTIALS.map((name) => `${readFileSync(join(this.tlsDir, name), 'utf8').trim()}\n\n`).join(''),
      );
      worker.output.resume();
      this.workers.set(host.host.name, worker);
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

  /** Run inside the worker's private folder, which holds its credentials and Dask's scratch space. */
  private workerCommand({host, python, route}: DaskHost): string {
    return remoteCommand([
      'env',
      // No plain-TCP connection either way, and the HTTP server Dask always starts serves nothing, on the loopback.
      'DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION=True',
      'DASK_DISTRIBUTED__WORKER__HTTP__ROUTES=[]',
      python,
      '-m',
      'distributed.cli.dask_worker',
      this.listeners.get(route.coordinator)!,
      '--name',
      host.name,
      ...nthreads(host),
      '--nworkers',
      '1',
      '--host',
      route.host,
      '--no-dashboard',
      '--dashboard-address',
      '127.0.0.1:0',
      '--tls-ca-file',
      'ca.pem',
      '--tls-cert',
      'worker.pem',
      '--tls-key',
      'worker.key',
      '--local-directory',
      '.',
      '--death-timeout',
      String(JOIN_SECONDS),
    ]);
  }
}

/** Each address the hosts reach this machine at, refused when it is none of this machine's: no worker could reach a scheduler here. */
function schedulerAddresses(hosts: readonly DaskHost[]): string[] {
  hosts.forEach(refuseWorkerBind);
  const local = new Set(
    Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address)),
  );
  const {listen, foreign} = listenAddresses(
    hosts.map((h) => h.route),
    local,
  );
  if (foreign.length > 0) {
    const host = hosts.find((h) => h.route.coordinator === foreign[0])!.host.name;
    throw new HostError(
      host,
      `reaches this machine at ${foreign[0]}, which is not an address of this machine (a NAT or a jump host stands between them), so its dask worker could not reach a scheduler here; run the bench from a machine on the hosts' network, or use --engine native`,
      '',
      'dask-route',
    );
  }
  return listen;
}

/** A host whose worker would listen on no one address (0.0.0.0, ::, multicast): its SSH_CONNECTION's server end is not its own address. */
function refuseWorkerBind({host, route}: DaskHost): void {
  const problem = workerBindProblem(route.host);
  if (problem)
    throw new HostError(
      host.name,
      `sshd says this host is reached at ${printable(route.host)}, which ${problem}, so its dask worker would not listen on one address of its own; check that nothing in the host's shell start-up files sets SSH_CONNECTION, or use --engine native`,
      '',
      'dask-route',
    );
}

/** The addresses the scheduler says it listens on, in the order asked, or why it does not. */
function listeningAddresses(scheduler: ShellProcess, python: string): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        fail(
          new HostError(
            'coordinator',
            `the Dask scheduler did not say where it listens within ${SCHEDULER_START_MS / 1000} s`,
            scheduler.stderrTail(),
            'dask-scheduler',
          ),
        ),
      SCHEDULER_START_MS,
    );
    const lines = createInterface({input: scheduler.output});
    const fail = (error: HostError) => {
      clearTimeout(timer);
      lines.close();
      void scheduler.stop();
      reject(error);
    };
    lines.on('line', (line) => {
      const said = parseLine(line);
      if (said.listening) {
        clearTimeout(timer);
        lines.close();
        resolve(said.listening);
      } else if (said.missing) {
        fail(
          new HostError(
            'coordinator',
            `${python} cannot make the sweep's TLS certificates (${said.missing}); install cryptography: ${CRYPTOGRAPHY_INSTALL}`,
            '',
            'dask-missing',
          ),
        );
      } else if (said.error) {
        fail(new HostError('coordinator', `the Dask scheduler did not start (${said.error})`, '', 'dask-scheduler'));
      }
    });
  });
}

function parseLine(line: string): {listening?: string[]; missing?: string; error?: string} {
  try {
    return JSON.parse(line) as {listening?: string[]; missing?: string; error?: string};
  } catch {
    return {};
  }
}

/** An SSH host without cores in the inventory runs Dask's default, a thread per CPU, as its native worker would. */
function nthreads(host: Host): string[] {
  return workerCoresArgument(host) === 'auto' ? [] : ['--nthreads', String(host.cores)];
}
