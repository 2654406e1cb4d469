import type {WorkloadName} from '../config/workload-names.js';
import {forestWorkload} from './forest.js';
import {networkWorkload} from './network.js';
import type {Workload} from './workload.js';

const WORKLOADS: Record<WorkloadName, Workload> = {forest: forestWorkload, network: networkWorkload};

export function workloadNamed(name: WorkloadName): Workload {
  return WORKLOADS[name];
}
