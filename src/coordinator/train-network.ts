import {CentralReduction} from './central-reduction.js';
import {NetworkRun, type NetworkRequest, type TrainedNetwork} from './network-run.js';
import {RingReduction} from './ring-reduction.js';

export type {NetworkRequest, TrainedNetwork} from './network-run.js';

/**
 * Synchronous data parallelism: each step's batch is cut into chunks, divided among the live hosts
 * (in proportion to their speeds in the last step, or equally), each host computes the exact
 * fixed-point sum of its chunks, the sums are added (by the coordinator, or by the hosts in a ring,
 * as the spec's `reduce` says), and every host applies the same update. Whatever the hosts, the
 * split, the reduction or the faults, the weights are the same bits.
 */
export async function trainNetworkAcross(request: NetworkRequest): Promise<TrainedNetwork> {
  const run = new NetworkRun(request);
  const reduction = request.spec.reduce === 'ring' ? new RingReduction(run) : new CentralReduction(run);
  return run.train(reduction);
}
