import type {WorkloadName} from '../config/workload-names.js';
import {forestWorkload} from './forest.js';
import type {Workload} from './workload.js';

const WORKLOADS: Record<WorkloadName, Workload> = {forest: forestWorkload};

export function workloadNamed(name: WorkloadName): Workload {
  return WORKLOADS[name];
}
