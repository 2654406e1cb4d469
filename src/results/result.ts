import type {RunOrder} from '../config/experiment.js';
import type {ForestSpec} from '../forest/spec.js';
import type {NetworkSpec} from '../network/spec.js';
import type {Fault, HostRun, HostSteps, TimelineEntry} from '../coordinator/run.js';
import type {EngineName} from '../config/engine-names.js';
import type {WorkloadName} from '../config/workload-names.js';
import type {ScheduleName} from '../schedule/schedule.js';
import type {MachineLoad} from './interference.js';
import type {Warning} from './warnings.js';

/** One measured (or warm-up) training of the forest on one combination. */
export interface RunRecord {
  seconds: number;
  accuracy: number;
  /** Per host: trees, re-executed copies, training time, utilisation, shipping and waiting. */
  hosts: HostRun[];
  /** What went wrong during the run; empty when nothing did. */
  faults: Fault[];
  timeline: TimelineEntry[];
  /** Per machine, the CPU time other processes took during the run (missing in older journals). */
  interference?: MachineLoad[];
  /** A network's trained weights, SHA-256: the same in every row of a sweep, whatever its hosts. */
  weightsHash?: string;
  /** A network's step per host: computing, exchange, waiting for the slowest, bytes (means per step). */
  steps?: HostSteps[];
  /** The torch engine: seconds from starting its processes to the group's first step (Python, torch's import, the rows, the rendezvous), not in `seconds`. */
  startSeconds?: number;
}

/** A row of the table: one combination of hosts. Field names are the JSON export's. */
export interface BenchRow {
  /** What trained the forest: native, or scikit-learn through Dask. */
  engine: EngineName;
  /** The Hardware column: "2 x raspberry-pi, 1 x desktop". */
  hardware: string;
  /** How many hosts of each kind (kinds as the Hardware column's reader normalises them), for the capacity model. */
  kinds: Record<string, number>;
  hosts: string[];
  cores: number;
  /** The paper's ideal: the baseline's time scaled by cores. */
  ideal_s: number | null;
  measured_s: number | null;
  min_s: number | null;
  max_s: number | null;
  scalability: number | null;
  /** trees / the sum of the hosts' speeds measured in the run (median over runs). */
  capacity_ideal_s: number | null;
  /** capacity ideal / measured, run by run (median over runs). */
  efficiency: number | null;
  accuracy: number | null;
  /** 'failed' when every host of the combination was lost. */
  status: 'ok' | 'failed';
  error?: string;
  /** Statistics of the measured runs' times; stddev, cv and ci95 are null with a single run. */
  mean_s: number | null;
  stddev_s: number | null;
  median_s: number | null;
  cv: number | null;
  /** 95% confidence interval of the mean time (Student's t). */
  ci95_s: [number, number] | null;
  /** 95% bootstrap intervals over runs (seeded: the same runs give the same interval). */
  scalability_ci95: [number, number] | null;
  efficiency_ci95: [number, number] | null;
  /** trees / the sum of the hosts' solo calibrated throughputs, and that over measured. */
  calibrated_capacity_ideal_s: number | null;
  calibrated_efficiency: number | null;
  /** Interference, variance and outliers: why these figures may deserve less trust. */
  warnings: Warning[];
  runs: RunRecord[];
  warmup: RunRecord[];
}

export interface BenchResult {
  id: string;
  experiment: string;
  experimentFile: string;
  inventoryFile: string;
  startedAt: string;
  finishedAt: string;
  machine: {hostname: string; platform: string; arch: string; cpus: number; cpuModel: string; node: string};
  dataset: {
    description: string;
    rows: number;
    trainRows: number;
    testRows: number;
    features: number;
    classes: number;
    hash: string;
  };
  /** What was trained (absent in results of versions before there were workloads: a forest). */
  workload?: WorkloadName;
  /** The work items of a run, as the table counts them: "trees". */
  unit?: string;
  /** The forest's settings; absent for a network. */
  forest?: ForestSpec;
  /** The network's settings, for workload network. */
  network?: NetworkSpec;
  schedule: ScheduleName;
  engine: EngineName;
  /** Trees per second of each host with all its slots, alone on this data set. */
  calibration: Record<string, number>;
  baseline: string[];
  /** interleaved: after the warm-ups, measured runs go round-robin across combinations. */
  order?: RunOrder;
  /** Warnings about the whole sweep, e.g. that interference cannot be measured here. */
  warnings?: Warning[];
  rows: BenchRow[];
}

/** What an engine measured of its hosts before the sweep. */
export interface Calibration {
  /** Each host's trees per second alone, for the capacity-aware ideal; empty when the engine cannot tell. */
  throughput: Map<string, number>;
  /** Hosts measured while other processes took this share of their machine's CPU (over the bound): figures for this sweep only. */
  loaded: Map<string, number>;
}

/** The unit of a result's work items; a result written before there were workloads counted trees. */
export function unitOf(result: Pick<BenchResult, 'unit'>): string {
  return result.unit ?? 'trees';
}
