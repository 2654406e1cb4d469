import type {MachineLoad} from './interference.js';
import type {BenchRow, RunRecord} from './result.js';
import {fences, type Summary} from './stats.js';

/** Something that makes a row's figures less trustworthy, printed under the table and kept in the JSON. */
export interface Warning {
  kind: 'interference' | 'variance' | 'outlier' | 'calibration';
  message: string;
}

/** Runs whose times vary by more than this (stddev / mean) are too noisy to compare closely. */
export const MAX_CV = 0.05;

/** Variance and outliers among a row's measured runs. */
export function noiseWarnings(runs: readonly RunRecord[], summary: Summary): Warning[] {
  const warnings: Warning[] = [];
  if (summary.cv !== null && summary.cv > MAX_CV) {
    warnings.push({
      kind: 'variance',
      message: `the runs vary by ${percent(summary.cv)} of their mean (coefficient of variation above ${percent(MAX_CV)}): compare rows with care, run more (--runs) or on a quieter machine`,
    });
  }
  const seconds = runs.map((run) => run.seconds);
  const [low, high] = fences(seconds);
  seconds.forEach((value, i) => {
    if (value >= low && value <= high) return;
    warnings.push({
      kind: 'outlier',
      message: `run ${i + 1} took ${value.toFixed(2)} s, outside ${Math.max(0, low).toFixed(2)}-${high.toFixed(2)} s (1.5 interquartile ranges beyond the quartiles): something else may have run at that time`,
    });
  });
  return warnings;
}

/** The rows' warnings of every sweep a bench ran, as --fail-on-noise counts them. */
export function countRowWarnings(results: readonly {rows: readonly BenchRow[]}[]): number {
  return results.reduce((sum, result) => sum + result.rows.reduce((rows, row) => rows + row.warnings.length, 0), 0);
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

/** Other processes may take this share of a machine's CPU during a run before the row is flagged. */
export const MAX_INTERFERENCE = 0.1;
/** Below this many CPU-seconds taken by others, /proc/stat's 10 ms ticks blur the figure: no warning. */
const MIN_OTHER_SECONDS = 0.25;

/** The share of the machine's CPU other processes took, where it is over the bound and above the ticks' blur. */
export function interferingShare(load: MachineLoad): number | undefined {
  if (load.cpuSeconds === null || load.otherSeconds === null || load.cpuSeconds <= 0) return undefined;
  const share = load.otherSeconds / load.cpuSeconds;
  return share <= MAX_INTERFERENCE || load.otherSeconds < MIN_OTHER_SECONDS ? undefined : share;
}

/**
 * Interference: during a measured run, processes other than the coordinator and the run's workers
 * took more than a tenth of a machine's CPU time (all its CPUs over the run). One warning per machine.
 */
export function interferenceWarnings(runs: readonly RunRecord[]): Warning[] {
  const byMachine = new Map<string, {load: MachineLoad; runs: number[]; worst: number}>();
  runs.forEach((run, i) => {
    for (const load of run.interference ?? []) {
      const share = interferingShare(load);
      if (share === undefined) continue;
      const key = `${load.coordinator}|${load.hosts.join(',')}`;
      const entry = byMachine.get(key) ?? {load, runs: [], worst: 0};
      entry.runs.push(i + 1);
      entry.worst = Math.max(entry.worst, share);
      byMachine.set(key, entry);
    }
  });
  return [...byMachine.values()].map(({load, runs: flagged, worst}) => ({
    kind: 'interference',
    message: `other processes took up to ${percent(worst)} of the CPU of ${describeMachine(load)} during run${flagged.length > 1 ? 's' : ''} ${flagged.join(', ')} (over ${percent(MAX_INTERFERENCE)}; this toolkit's own processes are not counted): these times are not the cluster's alone; stop what else runs there and measure again`,
  }));
}

/** Said once for the whole sweep: hosts (or the coordinator) whose machine has no /proc to read. */
export function unmeasuredWarnings(rows: readonly BenchRow[]): Warning[] {
  const blind = new Set<string>();
  for (const run of rows.flatMap((row) => row.runs)) {
    for (const load of run.interference ?? []) {
      if (load.cpuSeconds === null) blind.add(describeMachine(load));
    }
  }
  if (blind.size === 0) return [];
  return [
    {
      kind: 'interference',
      message: `interference cannot be measured on ${[...blind].join('; ')} (no /proc/stat there, as on macOS, or a process there did not answer): other processes' load goes unnoticed`,
    },
  ];
}

function describeMachine(load: MachineLoad): string {
  // 0 CPUs: a machine that never answered, whose CPUs are not known.
  const cpus = load.cpus > 0 ? ` (${load.cpus} CPUs)` : '';
  if (load.hosts.length === 0) return `the coordinator's machine${cpus}`;
  // Sorted: the hosts are gathered as their samples answer, which is no order a reader can use.
  const hosts = [...load.hosts].sort().join(', ');
  const who = load.coordinator ? `${hosts} and the coordinator` : hosts;
  return `the machine of ${who}${cpus}`;
}
