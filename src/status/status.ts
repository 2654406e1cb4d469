import {availableParallelism, cpus, machine, platform, totalmem} from 'node:os';
import {calibrate} from '../engine/native/calibrate.js';
import {coresWarning} from '../config/host-cores.js';
import {calibrationLoadWarning} from '../results/calibration-check.js';
import {prepareData} from '../engine/prepare-data.js';
import type {Experiment} from '../config/experiment.js';
import {WorkerSet} from '../coordinator/worker-set.js';
import {treeOptionsOf} from '../forest/trainer.js';
import type {Host, Inventory} from '../config/inventory.js';
import {checkDaskHosts} from '../engine/dask/check.js';
import type {PythonVersions} from '../engine/dask/python.js';
import {checkTorchHosts} from '../engine/torch/check.js';
import type {TorchPython} from '../engine/torch/python.js';
import {describeError, HostError, InputError} from '../errors.js';
import {bundlePathIn, workerBundle} from '../transport/bundle.js';
import {type HostFacts, nodeProblem, probeHost} from '../provision/probe.js';
import {remoteSha256} from '../provision/provision.js';
import {type ConnectOptions, SshError, SshSession} from '../ssh/session.js';
import {loginBannerHint} from '../ssh/banner.js';
import {resolveTarget} from '../ssh/target.js';
import {DEFAULT_CONCURRENCY, mapBounded} from '../transport/fan-out.js';
import {provisionCommand} from '../transport/provision-hint.js';

export interface HostStatus {
  host: string;
  transport: Host['transport'];
  reachable: boolean;
  /** The fastest of a few SSH round trips that do no work on the host, in milliseconds. */
  latencyMs: number | null;
  os: string | null;
  arch: string | null;
  cpu: string | null;
  /** Processors the host reports, against `cores`, what the inventory asks of it. */
  nproc: number | null;
  cores: number;
  /** The inventory gave no cores: `cores` is what the host's CPUs give it. */
  coresFromHost: boolean;
  memoryBytes: number | null;
  node: string | null;
  workerUpToDate: boolean | null;
  /** True when the host can train now. */
  ready: boolean;
  /** Trees per second with all its slots on the experiment's data set, with --calibrate. */
  treesPerSecond: number | null;
  /** Its Python for the dask engine, or null when it cannot run a dask worker (a warning says why). */
  dask?: PythonVersions | null;
  /** Its Python for the torch engine (found without importing torch), or null when it has none. */
  torch?: TorchPython | null;
  warnings: string[];
  error: string | null;
  reason?: string;
}

const ROUND_TRIPS = 7;

/** A few hosts at a time (`concurrency`): sshd drops logins past its MaxStartups, which read as unreachable hosts. */
export async function hostStatuses(
  hosts: readonly Host[],
  options: ConnectOptions & {concurrency?: number},
): Promise<HostStatus[]> {
  return mapBounded(hosts, options.concurrency ?? DEFAULT_CONCURRENCY, async (host) =>
    host.transport === 'local' ? localStatus(host) : sshStatus(host, options),
  );
}

function localStatus(host: Host): HostStatus {
  const nproc = availableParallelism();
  return {
    host: host.name,
    transport: 'local',
    reachable: true,
    latencyMs: null,
    os: platform(),
    // uname -m, as an SSH host's probe reports it (os.arch() says x64 where uname says x86_64).
    arch: machine(),
    cpu: cpus()[0]?.model ?? null,
    nproc,
    cores: host.cores,
    coresFromHost: host.coresFrom === 'host',
    memoryBytes: totalmem(),
    node: process.version,
    workerUpToDate: true,
    ready: true,
    treesPerSecond: null,
    warnings: [coresWarning(host, nproc) ?? []].flat(),
    error: null,
  };
}

async function sshStatus(host: Host, options: ConnectOptions): Promise<HostStatus> {
  const status = unreachedStatus(host);
  let session: SshSession | undefined;
  try {
    session = await SshSession.connect(resolveTarget(host), options);
    status.reachable = true;
    status.latencyMs = await roundTripMs(session);
    const facts = await readFacts(session, host, status);
    const problem = nodeProblem(facts);
    if (problem) {
      status.error = describeError(new HostError(host.name, problem.problem, '', problem.reason));
      status.reason = problem.reason;
      return status;
    }
    await checkWorker(session, host, status, facts);
  } catch (error) {
    // Bad input (an ssh config or known_hosts we cannot use) is the user's to fix, not this host's failure.
    if (error instanceof InputError) throw error;
    status.error = describeError(
      error instanceof HostError ? error : new HostError(host.name, (error as Error).message),
    );
    status.reason = error instanceof SshError ? error.reason : 'error';
  } finally {
    session?.close();
  }
  return status;
}

/** An ssh host as known before it answers: nothing but what the inventory says. */
function unreachedStatus(host: Host): HostStatus {
  return {
    host: host.name,
    transport: 'ssh',
    reachable: false,
    latencyMs: null,
    os: null,
    arch: null,
    cpu: null,
    nproc: null,
    cores: host.cores,
    coresFromHost: host.coresFrom === 'host',
    memoryBytes: null,
    node: null,
    workerUpToDate: null,
    ready: false,
    treesPerSecond: null,
    warnings: [],
    error: null,
  };
}

/** What the host is (system, CPUs, memory, Node), into its status, with the warnings they call for. */
async function readFacts(session: SshSession, host: Host, status: HostStatus): Promise<HostFacts> {
  const facts = await probeHost(session);
  if (session.loginBanner !== undefined) status.warnings.push(loginBannerHint(session.loginBanner));
  Object.assign(status, {
    os: facts.os,
    arch: facts.arch,
    cpu: facts.cpu,
    nproc: facts.nproc,
    memoryBytes: facts.memoryBytes,
    node: facts.node ?? null,
  });
  // A host without cores in the inventory trains with all its CPUs, as its worker will.
  if (status.coresFromHost && facts.nproc > 0) status.cores = facts.nproc;
  status.warnings.push(...[coresWarning(host, facts.nproc) ?? []].flat());
  return facts;
}

/** Ready once the host has this very worker bundle. */
async function checkWorker(session: SshSession, host: Host, status: HostStatus, facts: HostFacts): Promise<void> {
  const bundle = workerBundle();
  status.workerUpToDate = (await remoteSha256(session, bundlePathIn(facts.cacheDir, bundle.version))) === bundle.sha256;
  if (!status.workerUpToDate)
    status.warnings.push(`worker not installed or out of date: run ${provisionCommand(host)}`);
  status.ready = status.workerUpToDate;
}

async function roundTripMs(session: SshSession): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) times.push(await session.ping());
  // The fastest trip is the link's own: load at either end only ever adds to it.
  return Math.min(...times);
}

/** Whether each host can run a dask worker: Python, scikit-learn and dask/distributed at the coordinator's versions. */
export async function addDaskChecks(
  statuses: HostStatus[],
  inventory: Inventory,
  hosts: readonly Host[],
): Promise<void> {
  const checks = await checkDaskHosts(
    inventory,
    hosts.filter((host) => statuses.find((s) => s.host === host.name)?.reachable),
  );
  for (const status of statuses) {
    const check = checks.find((c) => c.host === status.host);
    status.dask = check?.python ?? null;
    if (check?.error) status.warnings.push(`dask engine: ${check.error.replace(/^host \S+: /, '')}`);
  }
}

/** Measures each ready host's throughput on the experiment's data set (fresh, and cached for bench). */
export async function calibrateStatuses(
  statuses: HostStatus[],
  hosts: readonly Host[],
  experiment: Experiment,
  concurrency?: number,
): Promise<void> {
  const ready = hosts.filter((host) => statuses.find((s) => s.host === host.name)?.ready);
  if (ready.length === 0) return;
  const data = prepareData(experiment);
  const workers = await WorkerSet.open(ready, experiment.heartbeatTimeoutMs, concurrency);
  try {
    const {throughput, loaded} = await calibrate({
      workers,
      hosts: ready,
      dataset: data.train,
      datasetHash: data.hash,
      options: treeOptionsOf(experiment.forest),
      fresh: true,
    });
    for (const status of statuses) {
      status.treesPerSecond = throughput.get(status.host) ?? null;
      const share = loaded.get(status.host);
      if (share !== undefined)
        status.warnings.push(calibrationLoadWarning(status.host, status.treesPerSecond!, share).message);
    }
  } finally {
    await workers.close();
  }
}

/**
 * Whether each host has torch for the torch engine, found without importing it (status stays quick):
 * a host without it only shows so; one whose torch differs from the others' is warned about.
 */
export async function addTorchChecks(
  statuses: HostStatus[],
  inventory: Inventory,
  hosts: readonly Host[],
): Promise<void> {
  const checks = await checkTorchHosts(
    inventory,
    hosts.filter((host) => statuses.find((s) => s.host === host.name)?.reachable),
    {},
    true,
  );
  for (const status of statuses) {
    const check = checks.find((c) => c.host === status.host);
    status.torch = check?.python ?? null;
    if (check?.reason === 'version-mismatch') status.warnings.push(`torch engine: ${check.error}`);
  }
}
