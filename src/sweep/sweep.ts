import type {Experiment} from '../config/experiment.js';
import type {Host, Inventory} from '../config/inventory.js';
import {RunFailedError} from '../coordinator/train-forest.js';
import type {EngineName, EngineSession} from '../engine/engine.js';
import type {PreparedData} from '../engine/prepare-data.js';
import {describeError, HostError, InterruptedError} from '../errors.js';
import {calibrationGaps, calibrationWarnings} from '../results/calibration-check.js';
import {describeHardware} from '../results/hardware.js';
import type {BenchProgress, BenchStage} from '../results/progress.js';
import type {BenchResult, BenchRow, Calibration, RunRecord} from '../results/result.js';
import {addIdeals, summariseRow} from '../results/row.js';
import {unmeasuredWarnings} from '../results/warnings.js';
import type {ScheduleName} from '../schedule/schedule.js';
import type {Workload} from '../workload/workload.js';
import {workloadNamed} from '../workload/workloads.js';
import {describeMachine, describeData} from './describe.js';
import {fingerprintOf} from './fingerprint.js';
import {Journal} from './journal.js';
import {planRuns} from './plan.js';
import {checkHostsExist} from '../config/experiment.js';

export type {BenchProgress} from '../results/progress.js';

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
  /** What the sweep does between runs (a host calibrated). */
  onStage?: (stage: BenchStage) => void;
  /** Name the engine in progress: the sweep is one of several engines'. */
  nameEngine?: boolean;
  /** Called once the sweep has an id, before any run. */
  onStart?: (id: string, journalFile: string, hosts: readonly Host[]) => void;
  /** Aborting stops the workers and rejects with InterruptedError. */
  signal?: AbortSignal;
  /** The command that continues the sweep of `id`, with every flag it needs (default: `cluster bench --resume <id>`). */
  resumeCommand?: (id: string) => string;
  /** Something the user should know that does not stop the sweep (a torn journal record dropped). */
  onWarning?: (message: string) => void;
}

/** One row of the table while it is measured: its hosts, the runs done so far by number, or why it failed. */
interface Combination {
  hosts: Host[];
  hardware: string;
  records: Map<number, RunRecord>;
  error?: string;
}

/** Sweeps the experiment's combinations: warm-up and measured runs of each, then the paper's table and ours. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const sweep = await Sweep.open(options);
  try {
    const calibration = await sweep.calibrate();
    const combinations = sweep.combinations();
    await sweep.measure(combinations, calibration.throughput);
    return await sweep.summarise(combinations, calibration);
  } finally {
    await sweep.close();
  }
}

/** A sweep under way: its settings, the engine's session on every host, and the journal it writes. */
class Sweep {
  private readonly stop = () => void this.session.close();

  private constructor(
    private readonly options: BenchOptions,
    private readonly workload: Workload,
    private readonly settings: {schedule: ScheduleName; engine: EngineName},
    private readonly data: PreparedData,
    private readonly session: EngineSession,
    private readonly journal: Journal,
  ) {
    options.signal?.addEventListener('abort', this.stop);
  }

  /**
   * Checks everything, resumes or creates the journal and opens the engine on every host. Every
   * host is reached before anything is written: an unreachable host leaves no trace.
   */
  static async open(options: BenchOptions): Promise<Sweep> {
    const {experiment, inventory} = options;
    checkHostsExist(experiment, inventory);
    const workload = workloadNamed(experiment.workload);
    const schedule = options.schedule ?? experiment.schedule;
    const engine = options.engine ?? experiment.engine;
    const scheduler = engine === 'dask' ? (options.scheduler ?? experiment.scheduler) : undefined;
    const data = workload.prepare(experiment);
    const used = hostsOf(inventory, [...new Set(experiment.combinations.flat())]);
    const fingerprint = fingerprintOf(experiment, used, data.hash, schedule, engine, scheduler);
    workload.checkHosts(used, data);
    const resumed = options.resume ? resumeJournal(options, fingerprint) : undefined;
    // A results folder that cannot be written is found before any worker starts.
    if (!resumed) Journal.checkWritable(options.resultsDir);
    const session = await workload
      .engine(engine)
      .open({experiment, inventory, data, hosts: used, scheduler, signal: options.signal})
      .catch((error) => {
        resumed?.close();
        throw error;
      });
    let journal: Journal;
    try {
      journal = resumed ?? createJournal(options, engine, fingerprint);
    } catch (error) {
      await session.close();
      throw error;
    }
    journal.resumeCommand = (options.resumeCommand ?? ((id: string) => `cluster bench --resume ${id}`))(journal.id);
    if (journal.notice) options.onWarning?.(journal.notice);
    for (const warning of session.warnings ?? []) options.onWarning?.(warning);
    options.onStart?.(journal.id, journal.file, used);
    return new Sweep(options, workload, {schedule, engine}, data, session, journal);
  }

  /** Each host's speed alone: from the journal when resumed, else measured (or cached by the engine). */
  async calibrate(): Promise<Calibration> {
    const recorded = this.journal.calibration;
    if (recorded) return recorded;
    const {onStage, nameEngine} = this.options;
    const calibrating = (host: string) =>
      onStage?.({
        ...(nameEngine ? {engine: this.settings.engine} : {}),
        doing: `calibrating ${host}: its speed alone, for the schedule and the capacity ideal`,
      });
    const calibration = await this.session.calibrate(this.options.recalibrate, calibrating).catch((error) => {
      throw this.options.signal?.aborted ? this.interrupted() : error;
    });
    this.journal.recordCalibration(calibration);
    return calibration;
  }

  /** The table's rows, with the runs and failures the journal already holds. */
  combinations(): Combination[] {
    return this.options.experiment.combinations.map((names, i) => {
      const named = hostsOf(this.options.inventory, names);
      const hosts = this.session.rowHosts?.(named) ?? named;
      return {
        hosts,
        hardware: describeHardware(hosts),
        records: new Map(this.journal.runsOf(i).map((line) => [line.run, line.record])),
        error: this.journal.failureOf(i),
      };
    });
  }

  /** Every planned run not yet done, in the experiment's order, each recorded as it ends. */
  async measure(combinations: Combination[], throughput: Map<string, number>): Promise<void> {
    const {experiment, signal} = this.options;
    for (const {combination: i, run, warmup} of planRuns(
      combinations.length,
      experiment.warmup,
      experiment.runs,
      experiment.order,
    )) {
      // Done before an interruption, or the combination has failed: every host was lost.
      if (combinations[i].records.has(run) || combinations[i].error) continue;
      if (signal?.aborted) throw this.interrupted();
      await this.measureRun(combinations, i, run, warmup, throughput);
    }
    // A Ctrl-C during the last run's return: the sweep stops as at any other point, resumable.
    if (signal?.aborted) throw this.interrupted();
  }

  private async measureRun(
    combinations: Combination[],
    i: number,
    run: number,
    warmup: boolean,
    throughput: Map<string, number>,
  ): Promise<void> {
    const {experiment, signal} = this.options;
    const combination = combinations[i];
    const fixed = {
      ...(this.options.nameEngine ? {engine: this.settings.engine} : {}),
      combination: i + 1,
      combinations: combinations.length,
      hardware: combination.hardware,
      cores: coresOf(combination.hosts),
      run,
      warmups: experiment.warmup,
      runs: experiment.runs,
      warmup,
      total: this.workload.work(experiment, this.data),
      later: this.runsLater(combinations, i),
    };
    const progress = (done: number) => this.options.onProgress?.({...fixed, done});
    progress(0);
    try {
      const record = await this.session.measure({
        hosts: combination.hosts,
        schedule: this.settings.schedule,
        throughput,
        progress,
      });
      this.journal.recordRun(i, run, warmup, record);
      combination.records.set(run, record);
    } catch (failure) {
      // Workers killed by a Ctrl-C we have not handled yet: not a failed combination (resuming would skip it).
      if (signal?.aborted || (failure instanceof HostError && failure.reason === 'interrupted'))
        throw this.interrupted();
      // Every host of this combination is gone: the sweep goes on with the others.
      if (!(failure instanceof RunFailedError)) throw failure;
      combination.error = describeError(failure);
      this.journal.recordFailure(i, combination.error);
    }
  }

  /** Per combination, the runs not yet made after the one of combination `current` starting now. */
  private runsLater(combinations: Combination[], current: number): BenchProgress['later'] {
    const planned = this.options.experiment.warmup + this.options.experiment.runs;
    return combinations.flatMap(({hosts, records, error}, i) => {
      const runs = error ? 0 : planned - records.size - (i === current ? 1 : 0);
      return runs > 0 ? [{combination: i + 1, cores: coresOf(hosts), runs}] : [];
    });
  }

  /** The rows and the result; hosts whose calibration the runs contradicted are measured again next time. */
  async summarise(combinations: Combination[], calibration: Calibration): Promise<BenchResult> {
    const {experiment, inventory} = this.options;
    const {throughput} = calibration;
    const rows: BenchRow[] = combinations.map(({hosts, records, error}) => {
      const runs = [...records].sort(([a], [b]) => a - b).map(([, record]) => record);
      const [warmup, measured] = [runs.slice(0, experiment.warmup), runs.slice(experiment.warmup)];
      return summariseRow(
        this.settings.engine,
        hosts,
        warmup,
        measured,
        error,
        this.workload.work(experiment, this.data),
        throughput,
      );
    });
    addIdeals(rows, rows[experiment.baseline]);
    const gaps = calibrationGaps(rows, throughput);
    if (gaps.length > 0) await this.session.forgetCalibration?.(gaps.map((gap) => gap.host));
    return {
      id: this.journal.id,
      experiment: experiment.name,
      experimentFile: experiment.file,
      inventoryFile: inventory.file,
      startedAt: this.journal.startedAt,
      finishedAt: new Date().toISOString(),
      machine: describeMachine(),
      dataset: describeData(this.data),
      workload: this.workload.name,
      unit: this.workload.unit,
      ...this.workload.settings(experiment),
      schedule: this.settings.schedule,
      engine: this.settings.engine,
      calibration: Object.fromEntries(throughput),
      baseline: rows[experiment.baseline].hosts,
      order: experiment.order,
      warnings: [...calibrationWarnings(calibration, gaps), ...unmeasuredWarnings(rows)],
      rows,
    };
  }

  async close(): Promise<void> {
    this.options.signal?.removeEventListener('abort', this.stop);
    await this.session.close();
    this.journal.close();
  }

  private interrupted(): InterruptedError {
    const {signal} = this.options;
    return new InterruptedError(String(signal?.aborted ? signal.reason : 'SIGINT'), this.journal.resumeCommand);
  }
}

function hostsOf(inventory: Inventory, names: readonly string[]): Host[] {
  return names.map((name) => inventory.hosts.get(name)!);
}

function resumeJournal(options: BenchOptions, fingerprint: string): Journal {
  const {experiment} = options;
  return Journal.resume(options.resultsDir, options.resume!, fingerprint, {
    combinations: experiment.combinations.length,
    warmup: experiment.warmup,
    runs: experiment.runs,
    hosts: experiment.combinations,
  });
}

/** A new journal named by the time, the experiment and an engine other than the native one. */
function createJournal(options: BenchOptions, engine: EngineName, fingerprint: string): Journal {
  const {experiment} = options;
  const name = experiment.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  const id = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}${engine === 'native' ? '' : `-${engine}`}`;
  return Journal.create(options.resultsDir, id, experiment.name, fingerprint);
}

function coresOf(hosts: readonly Host[]): number {
  return hosts.reduce((sum, host) => sum + host.cores, 0);
}
