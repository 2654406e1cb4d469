import type {Delimiter} from './delimiter.js';
import type {MissingPolicy} from './missing.js';

/** Where an experiment's rows come from: made from a seed, or read from a CSV file. */
export interface SyntheticDatasetSpec {
  kind: 'synthetic';
  samples: number;
  features: number;
  informative: number;
  classes: number;
  seed: number;
}

export interface CsvDatasetSpec {
  kind: 'csv';
  /** As written in the experiment file, resolved later against the file's folder. */
  path: string;
  target: string;
  /** Undefined: detected from the header and the first rows. */
  delimiter?: Delimiter;
  /** The feature columns (default: all but the target), and columns left out of them. */
  columns?: string[];
  drop?: string[];
  /** A missing feature value: refused (the default), its row dropped, or filled from the training rows. */
  missing?: MissingPolicy;
}

export type DatasetSpec = SyntheticDatasetSpec | CsvDatasetSpec;
