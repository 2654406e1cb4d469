import {adoptWorkerCores} from '../../config/host-cores.js';
import type {Host} from '../../config/inventory.js';
import {RunFailedError} from '../../coordinator/run.js';
import {HostError} from '../../errors.js';
import type {NetworkSpec} from '../../network/spec.js';
import type {RunRecord} from '../../results/result.js';
import type {Engine, EngineContext, EngineSession, RunRequest} from '../engine.js';
import {GroupFailed, runGroup} from './group.js';
import {glooBinds, openTorchHosts, type TorchHost} from './hosts.js';
import {describeGroupRun} from './records.js';

/** Gloo's timeout for one operation is never shorter than this: a slow host's step is not a frozen host. */
const MIN_GLOO_TIMEOUT_SECONDS = 30;

/**
 * PyTorch's DistributedDataParallel over gloo, the engine people use for data-parallel training on
 * CPUs: one Python process per host and per run, each batch split equally, the gradients
 * all-reduced at every backward pass. The same layers, optimizer, epochs, batches, training rows and
 * test rows as the native engine; float32, as PyTorch trains.
 */
export const torchEngine: Engine = {
  name: 'torch',
  async open(context: EngineContext): Promise<EngineSession> {
    const hosts = await openTorchHosts(context.inventory, context.hosts);
    const byName = new Map(hosts.map((host) => [host.host.name, host]));
    const running = new AbortController();
    const stop = () => running.abort();
    context.signal?.addEventListener('abort', stop, {once: true});
    return {
      calibrate: async () => ({throughput: new Map(), loaded: new Map()}),
      measure: (request) =>
        measureRun(
          context,
          request,
          request.hosts.map((host) => byName.get(host.name)!),
          running.signal,
        ),
      close: async () => {
        context.signal?.removeEventListener('abort', stop);
        running.abort();
        for (const host of hosts) host.shell.close();
      },
    };
  },
};

async function measureRun(
  {experiment, data}: EngineContext,
  {progress}: RunRequest,
  hosts: TorchHost[],
  signal: AbortSignal,
): Promise<RunRecord> {
  const spec = experiment.network as NetworkSpec;
  if (signal.aborted) throw new HostError('coordinator', 'interrupted', '', 'interrupted');
  progress(0);
  try {
    const run = await runGroup({
      hosts,
      binds: glooBinds(hosts),
      spec,
      train: data.train,
      test: data.test,
      timeoutSeconds: Math.max(MIN_GLOO_TIMEOUT_SECONDS, (3 * experiment.heartbeatTimeoutMs) / 1000),
      onProgress: progress,
      signal,
    });
    for (const [rank, result] of run.ranks.entries()) adoptWorkerCores(hosts[rank].host, {cores: result.threads});
    return describeGroupRun(
      run,
      hosts.map((host): Host => host.host),
    );
  } catch (error) {
    if (signal.aborted) throw new HostError('coordinator', 'interrupted', '', 'interrupted');
    if (!(error instanceof GroupFailed)) throw error;
    throw new RunFailedError(
      error.faults,
      'the DistributedDataParallel group failed, as DDP does when one rank is lost',
    );
  }
}
