/** Where a sweep is: which combination, which run, how much of its work is done. */
export interface BenchProgress {
  combination: number;
  combinations: number;
  hardware: string;
  /** 1-based, warm-up runs first. */
  run: number;
  runs: number;
  warmup: boolean;
  done: number;
  total: number;
}
