/** Where a sweep is: which combination, which run, how much of its work is done. */
export interface BenchProgress {
  /** The engine, when the sweep is one of several engines' (--engine native,dask). */
  engine?: string;
  combination: number;
  combinations: number;
  hardware: string;
  /** The combination's cores, to estimate the rows not yet measured from the pace of those that were. */
  cores: number;
  /** 1-based over the combination's runs, warm-ups first (as the journal numbers them). */
  run: number;
  /** Warm-up runs of each combination. */
  warmups: number;
  /** Measured runs of each combination, as the table counts them. */
  runs: number;
  warmup: boolean;
  done: number;
  total: number;
  /** The runs still to make after this one, per combination (1-based) with its cores: what the estimate covers. */
  later: readonly {combination: number; cores: number; runs: number}[];
}

/** What the sweep is doing between runs (calibrating a host), so it is never silent. */
export interface BenchStage {
  engine?: string;
  /** e.g. 'calibrating raspberry-pi (its speed alone, for the schedule and the capacity ideal)'. */
  doing: string;
}
