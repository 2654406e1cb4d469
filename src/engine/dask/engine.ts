import type {RunRecord} from '../../results/result.js';
import type {ForestSpec} from '../../forest/spec.js';
import {adoptWorkerCores} from '../../config/host-cores.js';
import {RunFailedError} from '../../coordinator/train-forest.js';
import type {Engine, EngineContext, EngineSession, RunRequest} from '../engine.js';
import {HostError} from '../../errors.js';
import {type HostShell, localShell} from '../../transport/shell.js';
import {DaskCluster, JOIN_SECONDS} from './cluster.js';
import {Driver, DriverError, type FitReply} from './driver.js';
import {checkPythons, usable} from './hosts.js';
import {findPython} from './python.js';
import {writeSplit} from './npy.js';
import {describeFit} from './records.js';
import {daskInterference} from './interference.js';
import {readCpuSample} from '../../worker/cpu-sample.js';
import {type TemporaryFolder, temporaryFolder} from './temporary-folder.js';

/**
 * The paper's own stack: scikit-learn's RandomForestClassifier fitted under joblib's dask backend,
 * with a Dask scheduler on this machine and a dask worker per host, on the rows the native engine uses.
 */
export const daskEngine: Engine = {
  name: 'dask',
  async open(context: EngineContext): Promise<EngineSession> {
    if (context.scheduler) return openExisting(context, context.scheduler);
    const {coordinator, hosts} = await checkPythons(context);
    const folder = temporaryFolder('cluster-dask-');
    const parts = stopper(
      folder,
      hosts.map((h) => h.shell),
    );
    const {signal} = context;
    signal?.addEventListener('abort', parts.stop, {once: true});
    try {
      writeSplit(folder.path, context.data.train, context.data.test);
      const tls = folder.folder('tls');
      const cluster = (parts.cluster = await DaskCluster.start(coordinator.path, tls, hosts));
      checkAborted(signal);
      const driver = (parts.driver = await Driver.start(coordinator.path, cluster.driverAddress, folder.path, tls));
      checkAborted(signal);
      let threadsAdopted = false;
      return {
        calibrate: async () => ({throughput: new Map(), loaded: new Map()}),
        measure: async (request) => {
          // Every host's worker stays up for the sweep, so a row never pays for starting one: the fit is restricted to the row's.
          await cluster.use(hosts);
          if (!threadsAdopted) {
            // Hosts without cores in the inventory count the threads their Dask worker started with.
            threadsAdopted = true;
            const threads = new Map(await driver.workers());
            for (const {host} of hosts) adoptWorkerCores(host, {cores: threads.get(host.name) ?? 0});
          }
          return measureFit(context.experiment.forest, driver, request, false, (name) => cluster.workerLog(name));
        },
        close: async () => {
          signal?.removeEventListener('abort', parts.stop);
          await parts.stop();
        },
      };
    } catch (error) {
      await parts.stop();
      throw error;
    }
  },
};

/**
 * Stops what a session started, each part once, from close, an abort or a failed open alike;
 * calls wait for the ones before them, so none returns while another is still stopping.
 */
function stopper(
  folder: TemporaryFolder,
  shells: HostShell[],
): {cluster?: DaskCluster; driver?: Driver; stop: () => Promise<void>} {
  let last = Promise.resolve();
  const parts: {cluster?: DaskCluster; driver?: Driver; stop: () => Promise<void>} = {
    stop: () =>
      (last = last.then(async () => {
        const {driver, cluster} = parts;
        parts.driver = parts.cluster = undefined;
        await driver?.stop();
        await cluster?.close();
        for (const shell of shells.splice(0)) shell.close();
        folder.remove();
      })),
  };
  return parts;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HostError('coordinator', `interrupted by ${String(signal.reason)}`, '', 'interrupted');
}

/**
 * An existing Dask cluster: nothing is started but the driver; a row of n hosts is measured on
 * the cluster's first n workers (by name), which name the row.
 */
async function openExisting(context: EngineContext, scheduler: string): Promise<EngineSession> {
  const coordinator = usable(context.inventory, undefined, await findPython(localShell, context.inventory.python));
  const folder = temporaryFolder('cluster-dask-');
  const parts = stopper(folder, []);
  const {signal} = context;
  signal?.addEventListener('abort', parts.stop, {once: true});
  try {
    writeSplit(folder.path, context.data.train, context.data.test);
    const driver = (parts.driver = await Driver.start(coordinator.path, scheduler, folder.path));
    checkAborted(signal);
    const workers = await driver.workers();
    const widest = Math.max(...context.experiment.combinations.map((c) => c.length));
    if (widest > workers.length) {
      throw context.experiment.source.error(
        ['combinations'],
        `a row asks for ${widest} workers but the Dask cluster at ${scheduler} has ${workers.length} (${workers.map(([name]) => name).join(', ') || 'none'})`,
        "with scheduler:, a combination of n hosts runs on the cluster's first n workers: add workers, or shorten the combinations",
      );
    }
    return {
      calibrate: async () => ({throughput: new Map(), loaded: new Map()}),
      rowHosts: (hosts) =>
        workers.slice(0, hosts.length).map(([name, threads]) => ({name, transport: 'ssh', cores: threads, labels: []})),
      measure: (request) => measureFit(context.experiment.forest, driver, request, true, () => ''),
      close: async () => {
        signal?.removeEventListener('abort', parts.stop);
        await parts.stop();
      },
    };
  } catch (error) {
    await parts.stop();
    throw error;
  }
}

async function measureFit(
  forest: ForestSpec,
  driver: Driver,
  {hosts, progress}: RunRequest,
  restrict: boolean,
  workerLog: (name: string) => string,
): Promise<RunRecord> {
  const names = hosts.map((host) => host.name);
  progress(0);
  let reply: FitReply;
  const before = readCpuSample();
  try {
    reply = await driver.fit(
      {workers: names, restrict, timeout: JOIN_SECONDS, trees: forest.trees, params: sklearnParams(forest)},
      progress,
    );
  } catch (error) {
    if (!(error instanceof DriverError)) throw error;
    // The combination failed (its workers never came, or all of them died): the sweep goes on.
    const log = names
      .map((name) => workerLog(name).trim().split('\n').at(-1))
      .filter(Boolean)
      .join('; ');
    throw new RunFailedError([
      {
        host: names.join(', '),
        reason: 'dask',
        message: `${error.message}${log ? ` (worker log: ${log})` : ''}`,
        at: 0,
        requeued: 0,
      },
    ]);
  }
  const coordinator = {before, after: readCpuSample()};
  progress(forest.trees);
  return {...describeFit(reply, hosts), interference: daskInterference(coordinator, reply.cpu, names)};
}

/** The experiment's forest in scikit-learn's words; the forest seed is the random_state. */
export function sklearnParams(forest: ForestSpec): Record<string, unknown> {
  return {
    max_features: forest.maxFeatures,
    max_depth: forest.maxDepth ?? null,
    criterion: forest.criterion,
    min_samples_split: Math.max(2, forest.minSamplesSplit),
    min_samples_leaf: forest.minSamplesLeaf,
    random_state: ((forest.seed % 2 ** 32) + 2 ** 32) % 2 ** 32,
  };
}
