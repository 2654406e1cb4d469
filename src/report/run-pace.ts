import type {BenchProgress} from '../results/progress.js';

/** Finished runs added up: their seconds, their seconds times their cores, their work. */
class Tally {
  coreSeconds = 0;
  work = 0;
  readonly rows = new Map<number, {seconds: number; runs: number}>();

  add(p: BenchProgress, seconds: number): void {
    this.coreSeconds += seconds * p.cores;
    this.work += p.total;
    const row = this.rows.get(p.combination) ?? {seconds: 0, runs: 0};
    row.seconds += seconds;
    row.runs++;
    this.rows.set(p.combination, row);
  }
}

/**
 * The time a sweep has left, from the runs it has made: a combination already measured takes as long
 * as its runs took; one not yet measured as the work at the pace measured so far (core-seconds per
 * unit of work), over its cores. Calibration and start-up are not counted in the pace, a first row
 * of one slow host does not stand for rows of three, and once measured runs are done the warm-ups'
 * (a first dask run starts its workers) no longer count.
 */
export class RunPace {
  private readonly warmups = new Tally();
  private readonly measured = new Tally();

  finished(p: BenchProgress, seconds: number): void {
    (p.warmup ? this.warmups : this.measured).add(p, seconds);
  }

  /** Seconds left: the rest of this run and every run after it; undefined before anything was measured. */
  left(p: BenchProgress, runSeconds: number): number | undefined {
    // Before any run is done: the pace of this one so far.
    const current = p.done > 0 ? (runSeconds * p.cores) / p.done : undefined;
    const thisRun =
      p.done >= p.total
        ? 0
        : p.done > 0
          ? (runSeconds / p.done) * (p.total - p.done)
          : this.runTime(p.combination, p.cores, p.total, current);
    if (thisRun === undefined) return undefined;
    let left = thisRun;
    for (const {combination, cores, runs} of p.later) {
      const each = this.runTime(combination, cores, p.total, current);
      if (each === undefined) return undefined;
      left += runs * each;
    }
    return left;
  }

  /** One run of `combination`: as its own measured runs took, else at the others' pace; warm-ups only while no measured run is done. */
  private runTime(combination: number, cores: number, total: number, current: number | undefined): number | undefined {
    for (const tally of [this.measured, this.warmups]) {
      const row = tally.rows.get(combination);
      if (row) return row.seconds / row.runs;
      if (tally.work > 0) return ((tally.coreSeconds / tally.work) * total) / cores;
    }
    return current === undefined ? undefined : (current * total) / cores;
  }
}
