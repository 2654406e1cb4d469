import type {RunRecord} from '../../results/result.js';
import {calibrate, forgetCalibrations} from './calibrate.js';
import {coresWarning} from '../../config/host-cores.js';
import {machineLoads, pairSamples} from '../../results/interference.js';
import {sampleCpu} from './interference.js';
import {RunFailedError, trainForest} from '../../coordinator/train-forest.js';
import {WorkerSet} from '../../coordinator/worker-set.js';
import {Forest} from '../../forest/forest.js';
import {treeOptionsOf} from '../../forest/trainer.js';
import {scheduleNamed} from '../../schedule/schedules.js';
import type {Engine, EngineContext, EngineSession, RunRequest} from '../engine.js';

/** The toolkit's own engine: one cluster-worker per host, trees scheduled by the coordinator. */
export const nativeEngine: Engine = {
  name: 'native',
  async open(context: EngineContext): Promise<EngineSession> {
    const {experiment, data, hosts, inventory} = context;
    const workers = await WorkerSet.open(hosts, experiment.heartbeatTimeoutMs, inventory.connectConcurrency);
    const options = treeOptionsOf(experiment.forest);
    return {
      calibrate: (fresh, onHost) =>
        calibrate({workers, hosts, dataset: data.train, datasetHash: data.hash, options, fresh, onHost}),
      forgetCalibration: (names) =>
        forgetCalibrations({
          workers,
          hosts: hosts.filter((host) => names.includes(host.name)),
          datasetHash: data.hash,
          options,
        }),
      measure: (request) => measureRun(context, workers, request),
      close: () => workers.close(),
      warnings: hosts.flatMap((host) => coresWarning(host, workers.get([host.name])[0].info?.cpus) ?? []),
    };
  },
};

async function measureRun(
  {experiment, data}: EngineContext,
  workers: WorkerSet,
  {hosts, schedule, throughput, progress}: RunRequest,
): Promise<RunRecord> {
  const {forest} = experiment;
  const revived = await workers.revive(hosts.map((host) => host.name));
  const before = await sampleCpu(revived.workers);
  const trained = await trainForest({
    workers: revived.workers,
    dataset: data.train,
    datasetHash: data.hash,
    options: treeOptionsOf(forest),
    trees: forest.trees,
    forestSeed: forest.seed,
    schedule: scheduleNamed(schedule)({hosts, trees: forest.trees, throughput}),
    onTree: progress,
  }).catch((error) => {
    if (error instanceof RunFailedError) error.faults.unshift(...revived.faults);
    throw error;
  });
  const interference = machineLoads(pairSamples(before, await sampleCpu(revived.workers)));
  const merged = Forest.fromTrees(forest.trainer, data.train.classes, trained.trees);
  return {
    seconds: trained.seconds,
    accuracy: merged.accuracy(data.test.values, data.test.features, data.test.labels),
    hosts: trained.hosts,
    faults: [...revived.faults, ...trained.faults],
    timeline: trained.timeline,
    interference,
  };
}
