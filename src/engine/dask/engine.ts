import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {RunRecord} from '../../bench/result.js';
import type {ForestSpec} from '../../config/experiment.js';
import {RunFailedError} from '../../coordinator/train-forest.js';
import type {Engine, EngineContext, EngineSession, RunRequest} from '../engine.js';
import {localShell} from '../../transport/shell.js';
import {DaskCluster, JOIN_SECONDS} from './cluster.js';
import {Driver, DriverError, type FitReply} from './driver.js';
import {checkPythons, usable} from './hosts.js';
import {findPython} from './python.js';
import {writeSplit} from './npy.js';
import {describeFit} from './records.js';

/**
 * The paper's own stack: scikit-learn's RandomForestClassifier fitted under joblib's dask backend,
 * with a Dask scheduler on this machine and a dask worker per host, on the rows the native engine uses.
 */
export const daskEngine: Engine = {
  name: 'dask',
  async open(context: EngineContext): Promise<EngineSession> {
    if (context.scheduler) return openExisting(context, context.scheduler);
    const {coordinator, hosts} = await checkPythons(context);
    const folder = mkdtempSync(join(tmpdir(), 'cluster-dask-'));
    let cluster: DaskCluster | undefined;
    let driver: Driver | undefined;
    let closed: Promise<void> | undefined;
    const close = () =>
      (closed ??= (async () => {
        await driver?.stop();
        await cluster?.close();
        for (const host of hosts) host.shell.close();
        rmSync(folder, {recursive: true, force: true});
      })());
    try {
      writeSplit(folder, context.data.train, context.data.test);
      cluster = await DaskCluster.start(coordinator.path, hosts.some((h) => h.host.transport !== 'local'));
      driver = await Driver.start(coordinator.path, `tcp://127.0.0.1:${cluster.port}`, folder);
    } catch (error) {
      await close();
      throw error;
    }
    const ready = {cluster, driver};
    return {
      calibrate: async () => ({throughput: new Map(), loaded: new Map()}),
      measure: async (request) => {
        // Every host's worker stays up for the sweep, so a row never pays for starting one: the fit is restricted to the row's.
        await ready.cluster.use(hosts);
        return measureFit(context.experiment.forest, ready.driver, request, false, (name) => ready.cluster.workerLog(name));
      },
      close,
    };
  },
};

/**
 * An existing Dask cluster: nothing is started but the driver; a row of n hosts is measured on
 * the cluster's first n workers (by name), which name the row.
 */
async function openExisting(context: EngineContext, scheduler: string): Promise<EngineSession> {
  const coordinator = usable(context.inventory, undefined, await findPython(localShell, context.inventory.python));
  const folder = mkdtempSync(join(tmpdir(), 'cluster-dask-'));
  let driver: Driver | undefined;
  const close = async () => {
    await driver?.stop();
    rmSync(folder, {recursive: true, force: true});
  };
  try {
    writeSplit(folder, context.data.train, context.data.test);
    driver = await Driver.start(coordinator.path, scheduler, folder);
    const workers = await driver.workers();
    const widest = Math.max(...context.experiment.combinations.map((c) => c.length));
    if (widest > workers.length) {
      throw context.experiment.source.error(['combinations'], `a row asks for ${widest} workers but the Dask cluster at ${scheduler} has ${workers.length} (${workers.map(([name]) => name).join(', ') || 'none'})`, 'with scheduler:, a combination of n hosts runs on the cluster\'s first n workers: add workers, or shorten the combinations');
    }
    const ready = driver;
    return {
      calibrate: async () => ({throughput: new Map(), loaded: new Map()}),
      rowHosts: (hosts) => workers.slice(0, hosts.length).map(([name, threads]) => ({name, transport: 'ssh', cores: threads, labels: []})),
      measure: (request) => measureFit(context.experiment.forest, ready, request, true, () => ''),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function measureFit(forest: ForestSpec, driver: Driver, {hosts, progress}: RunRequest, restrict: boolean, workerLog: (name: string) => string): Promise<RunRecord> {
  const names = hosts.map((host) => host.name);
  progress(0);
  let reply: FitReply;
  try {
    reply = await driver.fit({workers: names, restrict, timeout: JOIN_SECONDS, trees: forest.trees, params: sklearnParams(forest)}, progress);
  } catch (error) {
    if (!(error instanceof DriverError)) throw error;
    // The combination failed (its workers never came, or all of them died): the sweep goes on.
    const log = names.map((name) => workerLog(name).trim().split('\n').at(-1)).filter(Boolean).join('; ');
    throw new RunFailedError([{host: names.join(', '), reason: 'dask', message: `${error.message}${log ? ` (worker log: ${log})` : ''}`, at: 0, requeued: 0}]);
  }
  progress(forest.trees);
  return describeFit(reply, hosts);
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
