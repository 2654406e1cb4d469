import {arch, cpus, hostname, platform} from 'node:os';
import {checkHostsExist, type Experiment} from '../config/experiment.js';
import type {Host, Inventory} from '../config/inventory.js';
import {checkLocalCopies} from '../coordinator/local-copies.js';
import {RunFailedError} from '../coordinator/train-forest.js';
import type {EngineName} from '../engine/engine.js';
import {engineNamed} from '../engine/engines.js';
import {describeError, HostError, InterruptedError} from '../errors.js';
import type {ScheduleName} from '../schedule/schedule.js';
import {calibrationGaps, calibrationWarnings} from '../results/calibration-check.js';
import {fingerprintOf} from './fingerprint.js';
import {describeHardware} from '../results/hardware.js';
import {Journal} from './journal.js';
import {planRuns} from './plan.js';
import {prepareData} from '../engine/prepare-data.js';
import type {BenchProgress} from '../results/progress.js';
import type {BenchResult, BenchRow} from '../results/result.js';

export type {BenchProgress} from '../results/progress.js';
import {addIdeals, summariseRow} from '../results/row.js';
import {unmeasuredWarnings} from '../results/warnings.js';

export interface BenchOptions {
  experiment: Experiment;
  inventory: Inventory;
  resultsDir: string;
  /** Overrides the experiment's schedule. */
  schedule?: ScheduleName;
  /** Overrides the experiment's engine. */
  engine?: EngineName;
  /** An existing Dask cluster for the dask engine, overriding the experiment's. */
  scheduler?: string;
  /** Continue the sweep of this id (or .jsonl path), skipping the runs it finished. */
  resume?: string;
  /** Measure the hosts' throughput again even where it is cached. */
  recalibrate?: boolean;
  onProgress?: (progress: BenchProgress) => void;
  /** Called once the sweep has an id, before any run. */
  onStart?: (id: string, journalFile: string, hosts: readonly Host[]) => void;
  /** Aborting stops the workers and rejects with InterruptedError. */
  signal?: AbortSignal;
  /** The command that continues the sweep of `id`, with every flag it needs (default: `cluster bench --resume <id>`). */
  resumeCommand?: (id: string) => string;
  /** Something the user should know that does not stop the sweep (a torn journal record dropped). */
  onWarning?: (message: string) => void;
}

/** Sweeps the experiment's combinations: warm-up and measured runs of each, then the paper's table and ours. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const {experiment, inventory, signal} = options;
  checkHostsExist(experiment, inventory);
  const schedule = options.schedule ?? experiment.schedule;
  const engine = options.engine ?? experiment.engine;
  const scheduler = engine === 'dask' ? (options.scheduler ?? experiment.scheduler) : undefined;
  const data = prepareData(experiment);
  const hostsOf = (names: string[]) => names.map((name) => inventory.hosts.get(name)!);
  const used = hostsOf([...new Set(experiment.combinations.flat())]);
  const fingerprint = fingerprintOf(experiment, used, data.hash, schedule, engine, scheduler);
  checkLocalCopies(used, data.train);
  const resumed = options.resume
    ? Journal.resume(options.resultsDir, options.resume, fingerprint, {
        combinations: experiment.combinations.length,
        warmup: experiment.warmup,
        runs: experiment.runs,
        hosts: experiment.combinations,
      })
    : undefined;
  // A results folder that cannot be written is found before any worker starts.
  if (!resumed) Journal.checkWritable(options.resultsDir);
  // Every host is reached before anything is written: an unreachable host leaves no trace.
  const session = await engineNamed(engine)
    .open({experiment, inventory, data, hosts: used, scheduler, signal})
    .catch((error) => {
      resumed?.close();
      throw error;
    });
  const resumeCommand = options.resumeCommand ?? ((id: string) => `cluster bench --resume ${id}`);
  let journal: Journal;
  try {
    journal =
      resumed ??
      Journal.create(
        options.resultsDir,
        `${new Date().toISOString().replace(/[:.]/g, '-')}-${experiment.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)}${engine === 'native' ? '' : `-${engine}`}`,
        experiment.name,
        fingerprint,
      );
  } catch (error) {
    await session.close();
    throw error;
  }
  journal.resumeCommand = resumeCommand(journal.id);
  if (journal.notice) options.onWarning?.(journal.notice);
  for (const warning of session.warnings ?? []) options.onWarning?.(warning);
  options.onStart?.(journal.id, journal.file, used);
  const interrupted = () =>
    new InterruptedError(String(signal?.aborted ? signal.reason : 'SIGINT'), journal.resumeCommand);
  const stop = () => void session.close();
  signal?.addEventListener('abort', stop);
  try {
    const recorded = journal.calibration;
    const calibration =
      recorded ??
      (await session.calibrate(options.recalibrate).catch((error) => {
        throw signal?.aborted ? interrupted() : error;
      }));
    if (!recorded) journal.recordCalibration(calibration);
    const {throughput} = calibration;
    const order = experiment.order;
    const combinations = experiment.combinations.map((names, i) => {
      const hosts = session.rowHosts?.(hostsOf(names)) ?? hostsOf(names);
      return {
        hosts,
        hardware: describeHardware(hosts),
        records: new Map(journal.runsOf(i).map((line) => [line.run, line.record])),
        error: journal.failureOf(i),
      };
    });
    const total = experiment.warmup + experiment.runs;
    for (const {combination: i, run, warmup} of planRuns(
      combinations.length,
      experiment.warmup,
      experiment.runs,
      order,
    )) {
      const {hosts, hardware, records} = combinations[i];
      // Done before an interruption, or the combination has failed: every host was lost.
      if (records.has(run) || combinations[i].error) continue;
      if (signal?.aborted) throw interrupted();
      const progress = (done: number) =>
        options.onProgress?.({
          combination: i + 1,
          combinations: combinations.length,
          hardware,
          run,
          runs: total,
          warmup,
          done,
          total: experiment.forest.trees,
        });
      progress(0);
      try {
        const record = await session.measure({hosts, schedule, throughput, progress});
        journal.recordRun(i, run, warmup, record);
        records.set(run, record);
      } catch (failure) {
        // Workers killed by a Ctrl-C we have not handled yet: not a failed combination (resuming would skip it).
        if (signal?.aborted || (failure instanceof HostError && failure.reason === 'interrupted')) throw interrupted();
        // Every host of this combination is gone: the sweep goes on with the others.
        if (!(failure instanceof RunFailedError)) throw failure;
        combinations[i].error = describeError(failure);
        journal.recordFailure(i, combinations[i].error);
      }
    }
    // A Ctrl-C during the last run's return: the sweep stops as at any other point, resumable.
    if (signal?.aborted) throw interrupted();
    const rows: BenchRow[] = combinations.map(({hosts, records, error}) => {
      const runs = [...records].sort(([a], [b]) => a - b).map(([, record]) => record);
      return summariseRow(
        engine,
        hosts,
        runs.slice(0, experiment.warmup),
        runs.slice(experiment.warmup),
        error,
        experiment.forest.trees,
        throughput,
      );
    });
    addIdeals(rows, rows[experiment.baseline]);
    const gaps = calibrationGaps(rows, throughput);
    if (gaps.length > 0) await session.forgetCalibration?.(gaps.map((gap) => gap.host));
    return {
      id: journal.id,
      experiment: experiment.name,
      experimentFile: experiment.file,
      inventoryFile: inventory.file,
      startedAt: journal.startedAt,
      finishedAt: new Date().toISOString(),
      machine: describeMachine(),
      dataset: {
        description: data.description,
        rows: data.train.rows + data.test.rows,
        trainRows: data.train.rows,
        testRows: data.test.rows,
        features: data.train.features,
        classes: data.train.classes.length,
        hash: data.hash,
      },
      forest: experiment.forest,
      schedule,
      engine,
      calibration: Object.fromEntries(throughput),
      baseline: rows[experiment.baseline].hosts,
      order,
      warnings: [...calibrationWarnings(calibration, gaps), ...unmeasuredWarnings(rows)],
      rows,
    };
  } finally {
    signal?.removeEventListener('abort', stop);
    await session.close();
    journal.close();
  }
}

/** What makes two sweeps comparable: a resumed sweep must match the one it continues. */
function describeMachine(): BenchResult['machine'] {
  const cores = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    arch: arch(),
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    node: process.version,
  };
}
