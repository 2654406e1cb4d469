import {type ModelledResult, withModel} from '../results/capacity/bench-model.js';
import type {EngineComparison} from '../results/engine-comparison.js';
import {runEngines} from './engines.js';
import {latencyLabel, type LatencyPoint, runLatencySweep} from './latency-sweep.js';
import type {BenchResult} from '../results/result.js';
import {resumeCommandFor, type SweepFlags} from './resume-command.js';
import {type BenchOptions, runBench} from './sweep.js';
import type {EngineName} from '../config/engine-names.js';
import {exportsLabelled, type ExportPaths} from '../report/exporters.js';
import type {ProgressPrinter} from '../report/progress.js';
import {saveResult} from '../report/save.js';

/** What every mode of bench shares: the sweep's inputs, its exports, and how the front end runs and shows it. */
export interface BenchSetup extends Pick<
  BenchOptions,
  'experiment' | 'inventory' | 'resultsDir' | 'schedule' | 'scheduler' | 'recalibrate'
> {
  /** The files asked for on top of the results folder's own. */
  exports: ExportPaths;
  /** The flags a --resume needs again. */
  resumeFlags: SweepFlags;
  progress: ProgressPrinter;
  /** Runs the sweep so that a Ctrl-C aborts `signal` and stops it cleanly. */
  interruptible: <T>(work: (signal: AbortSignal) => Promise<T>) => Promise<T>;
}

export interface SingleSweep {
  result: ModelledResult;
  journalFile?: string;
  /** The files written, journal first. */
  saved: string[];
}

/**
 * One engine, one sweep, resumable. `onFinished` shows the result before it is saved: a file that
 * cannot be written must not take the table with it.
 */
export async function benchOnce(
  setup: BenchSetup,
  engine: EngineName,
  hooks: Pick<BenchOptions, 'resume' | 'onStart' | 'onWarning'> & {onFinished: (result: ModelledResult) => void},
): Promise<SingleSweep> {
  const {progress, interruptible, exports, resumeFlags} = setup;
  const options = sweepInputs(setup);
  const {onFinished, ...once} = hooks;
  const resumeCommand = (id: string) => resumeCommandFor(id, resumeFlags);
  let journalFile: string | undefined;
  const onStart: BenchOptions['onStart'] = (id, journal, hosts) => {
    journalFile = journal;
    once.onStart?.(id, journal, hosts);
  };
  const result = withModel(
    await interruptible((signal) =>
      runBench({
        ...options,
        ...once,
        signal,
        engine,
        onProgress: progress.update,
        onStage: progress.stage,
        resumeCommand,
        onStart,
      }),
    ).finally(progress.clear),
  );
  onFinished(result);
  const saved = saveResult(result, options.resultsDir, exports, resumeCommand(result.id));
  return {result, journalFile, saved: [journalFile ?? [], saved].flat()};
}

export interface EngineSweep {
  output: {results: ModelledResult[]; comparison: EngineComparison[]};
  /** By engine, the files it wrote. */
  saved: Map<string, string[]>;
}

/** --engine native,dask: the same sweep by each engine, each saved with its own exports (t-dask.csv), then side by side. */
export async function benchEngines(setup: BenchSetup, engines: EngineName[]): Promise<EngineSweep> {
  const {progress, interruptible, exports, resumeFlags} = setup;
  const options = sweepInputs(setup);
  const saved = new Map<string, string[]>();
  // Each engine's sweep gets its own capacity model, as a single-engine sweep does: in its JSON, Markdown and scaling chart.
  // Saved as each engine ends: an interruption or failure of the next keeps it.
  const save = (result: BenchResult) =>
    saved.set(
      result.engine,
      saveResult(withModel(result), options.resultsDir, exportsLabelled(exports, result.engine)),
    );
  // Resumed alone, an engine's sweep writes the exports it would have written here (t-dask.csv).
  const resumeCommandOf = (engine: EngineName) => (id: string) =>
    resumeCommandFor(id, {...resumeFlags, engine, exports: exportsLabelled(resumeFlags.exports, engine)});
  const run = await interruptible((signal) =>
    runEngines(
      {...options, signal, onProgress: progress.update, onStage: progress.stage, resumeCommandOf},
      engines,
      save,
    ),
  ).finally(progress.clear);
  return {output: {...run, results: run.results.map(withModel)}, saved};
}

export interface LatencySweep {
  output: {latencies: (LatencyPoint & {result: ModelledResult})[]};
  /** By latency in milliseconds, the files it wrote. */
  saved: Map<number, string[]>;
}

/** --latency: the sweep at each link latency of a lab, each saved with its exports (t.csv: t-0ms.csv, t-5ms.csv, ...). */
export async function benchLatencies(
  setup: BenchSetup,
  engine: EngineName,
  lab: {labDir: string; latencies: number[]; continueCommand: (remaining: number[]) => string},
): Promise<LatencySweep> {
  const {progress, interruptible, exports} = setup;
  const options = sweepInputs(setup);
  const saved = new Map<number, string[]>();
  const points = await interruptible((signal) =>
    runLatencySweep({
      ...options,
      ...lab,
      engine,
      signal,
      onProgress: progress.update,
      onStage: progress.stage,
      // Saved as each latency ends: an interruption or failure later keeps the latencies measured.
      onPoint: ({latencyMs, result}) =>
        saved.set(
          latencyMs,
          saveResult(withModel(result), options.resultsDir, exportsLabelled(exports, latencyLabel(latencyMs))),
        ),
    }),
  ).finally(progress.clear);
  return {output: {latencies: points.map((point) => ({...point, result: withModel(point.result)}))}, saved};
}

/** What the sweep itself reads of the setup. */
function sweepInputs(setup: BenchSetup): Omit<BenchSetup, 'exports' | 'resumeFlags' | 'progress' | 'interruptible'> {
  const {experiment, inventory, resultsDir, schedule, scheduler, recalibrate} = setup;
  return {experiment, inventory, resultsDir, schedule, scheduler, recalibrate};
}
