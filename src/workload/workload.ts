import type {EngineName} from '../config/engine-names.js';
import type {Experiment} from '../config/experiment.js';
import type {Host} from '../config/inventory.js';
import type {WorkloadName} from '../config/workload-names.js';
import type {Engine} from '../engine/engine.js';
import type {PreparedData} from '../engine/prepare-data.js';
import type {BenchResult} from '../results/result.js';

/**
 * What a sweep trains, seen from the sweep: the sweep, its journal, statistics, warnings, table,
 * exports and charts know a run only by what every workload has (hosts, seconds, accuracy, faults,
 * each host's work items on a timeline); what is particular to one (a forest's trees and seeds, its
 * calibration in trees per second) sits behind this.
 */
export interface Workload {
  readonly name: WorkloadName;
  /** The work items a run hands out, as the table and messages count them ("trees"). */
  readonly unit: string;
  /** Items of work in one run: the progress total, and the capacity ideal's numerator. */
  work(experiment: Experiment, data: PreparedData): number;
  /** The experiment's data set with its test rows held out, checked as this workload needs it. */
  prepare(experiment: Experiment): PreparedData;
  /** Refuses, before anything starts, what these hosts cannot hold (local copies of the data). */
  checkHosts(hosts: readonly Host[], data: PreparedData): void;
  /** One of the engines that train this workload. */
  engine(name: EngineName): Engine;
  /** The workload's settings as the result records them. */
  settings(experiment: Experiment): Pick<BenchResult, 'forest' | 'network'>;
}
