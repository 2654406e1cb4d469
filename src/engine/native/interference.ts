import type {WorkerClient} from '../../coordinator/worker-client.js';
import type {CpuSample} from '../../protocol/messages.js';
import {readCpuSample} from '../../worker/cpu-sample.js';

/** Samples the coordinator and every worker of the run; a worker that does not answer has no sample. */
export async function sampleCpu(workers: readonly WorkerClient[]): Promise<{host?: string; sample?: CpuSample}[]> {
  const answers = await Promise.allSettled(workers.map((worker) => worker.cpu()));
  return [
    {sample: readCpuSample()},
    ...answers.map((answer, i) => ({
      host: workers[i].host.name,
      sample: answer.status === 'fulfilled' ? answer.value : undefined,
    })),
  ];
}
