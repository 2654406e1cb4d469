import {coresWarning} from '../../config/host-cores.js';
import type {NetworkSpec} from '../../network/spec.js';
import {trainNetworkAcross} from '../../coordinator/train-network.js';
import {RunFailedError} from '../../coordinator/run.js';
import {WorkerSet} from '../../coordinator/worker-set.js';
import {predictClasses} from '../../network/predict.js';
import type {RunRecord} from '../../results/result.js';
import type {Engine, EngineContext, EngineSession, RunRequest} from '../engine.js';

/**
 * The toolkit's own engine for networks: one cluster-worker per host, each batch's chunks divided
 * among them, gradients reduced centrally by the coordinator. No calibration: each host's speed
 * is measured in the run itself, step by step.
 */
export const nativeNetworkEngine: Engine = {
  name: 'native',
  async open(context: EngineContext): Promise<EngineSession> {
    const {hosts, experiment, inventory} = context;
    const workers = await WorkerSet.open(hosts, experiment.heartbeatTimeoutMs, inventory.connectConcurrency);
    return {
      calibrate: async () => ({throughput: new Map(), loaded: new Map()}),
      measure: (request) => measureRun(context, workers, request),
      close: () => workers.close(),
      warnings: hosts.flatMap((host) => coresWarning(host, workers.get([host.name])[0].info?.cpus) ?? []),
    };
  },
};

async function measureRun(
  {experiment, data}: EngineContext,
  workers: WorkerSet,
  {hosts, progress}: RunRequest,
): Promise<RunRecord> {
  const spec = experiment.network as NetworkSpec;
  const revived = await workers.revive(hosts.map((host) => host.name));
  const trained = await trainNetworkAcross({
    workers: revived.workers,
    dataset: data.train,
    datasetHash: data.hash,
    spec,
    split: spec.split,
    onStep: (done) => progress(done),
  }).catch((error) => {
    if (error instanceof RunFailedError) error.faults.unshift(...revived.faults);
    throw error;
  });
  const {test} = data;
  const predicted = predictClasses(trained.parameters, trained.shape, spec.activation, test.values, test.rows);
  const right = predicted.reduce((sum, label, i) => sum + (label === test.labels[i] ? 1 : 0), 0);
  return {
    seconds: trained.seconds,
    accuracy: test.rows > 0 ? right / test.rows : 0,
    hosts: trained.hosts,
    faults: [...revived.faults, ...trained.faults],
    timeline: trained.timeline,
    weightsHash: trained.weightsHash,
    steps: trained.steps,
  };
}
