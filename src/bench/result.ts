import type {ForestSpec} from '../config/experiment.js';

/** One measured (or warm-up) training of the forest on one combination. */
export interface RunRecord {
  seconds: number;
  accuracy: number;
  /** Per host: trees trained, their summed training time, data set bytes shipped. */
  hosts: {host: string; trees: number; trainSeconds: number; shippedBytes: number}[];
}

/** A row of the table: one combination of hosts. Field names are the JSON export's. */
export interface BenchRow {
  hardware: string;
  hosts: string[];
  cores: number;
  ideal_s: number;
  measured_s: number;
  min_s: number;
  max_s: number;
  scalability: number;
  accuracy: number;
  runs: RunRecord[];
  warmup: RunRecord[];
}

export interface BenchResult {
  experiment: string;
  experimentFile: string;
  inventoryFile: string;
  startedAt: string;
  finishedAt: string;
  machine: {hostname: string; platform: string; arch: string; cpus: number; cpuModel: string; node: string};
  dataset: {description: string; rows: number; trainRows: number; testRows: number; features: number; classes: number; hash: string};
  forest: ForestSpec;
  baseline: string[];
  rows: BenchRow[];
}
