import type {Calibration, RunRecord} from '../results/result.js';

export type {Calibration} from '../results/result.js';
import type {PreparedData} from './prepare-data.js';
import type {Experiment} from '../config/experiment.js';
import type {Host, Inventory} from '../config/inventory.js';
import type {ScheduleName} from '../schedule/schedule.js';

import type {EngineName} from '../config/engine-names.js';

export type {EngineName} from '../config/engine-names.js';

export interface EngineContext {
  experiment: Experiment;
  data: PreparedData;
  /** Every host of the sweep. */
  hosts: Host[];
  /** For the coordinator's and the hosts' `python`, and errors that point at them. */
  inventory: Inventory;
  /** An existing Dask scheduler to use instead of starting one. */
  scheduler?: string;
  /** Aborting stops what the engine started, even while it opens. */
  signal?: AbortSignal;
}

export interface RunRequest {
  hosts: Host[];
  schedule: ScheduleName;
  throughput: Map<string, number>;
  progress: (done: number) => void;
}

/**
 * What trains the forest for the sweep: the toolkit's own workers, or scikit-learn through Dask.
 * The sweep, its journal and its table see only this.
 */
export interface Engine {
  readonly name: EngineName;
  /** Reaches every host and starts what the sweep needs; fails before anything runs. */
  open(context: EngineContext): Promise<EngineSession>;
}

export interface EngineSession {
  /** `onHost` hears each host as its measuring starts (not those whose figure is cached). */
  calibrate(fresh?: boolean, onHost?: (host: string) => void): Promise<Calibration>;
  /** Drops these hosts' cached calibrations, which the runs showed to be wrong, so the next sweep measures them again. */
  forgetCalibration?(hosts: readonly string[]): Promise<void>;
  /** One training of the forest on `hosts`, measured. */
  measure(request: RunRequest): Promise<RunRecord>;
  /** The hosts a row is measured on, when the engine's own differ from the inventory's (an existing Dask cluster's workers). */
  rowHosts?(hosts: Host[]): Host[];
  /** Stops everything it started; safe to call twice, and from an abort handler. */
  close(): Promise<void>;
  /** What the hosts said on starting that the user should know (more cores asked than CPUs). */
  warnings?: string[];
}
