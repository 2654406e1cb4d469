import {Flags, type Interfaces} from '@oclif/core';
import {resolve} from 'node:path';
import {withModel} from '../analyze/bench-model.js';
import {type EngineComparison, parseEngines, runEngines} from '../bench/engines.js';
import {latencyLabel, type LatencyPoint, parseLatencies, runLatencySweep} from '../bench/latency-sweep.js';
import type {BenchResult} from '../bench/result.js';
import {continueLatenciesCommand, resumeCommandFor, type SweepFlags} from '../bench/resume-command.js';
import {runBench} from '../bench/sweep.js';
import {countRowWarnings} from '../bench/warnings.js';
import {ClusterCommand} from '../cli/cluster-command.js';
import {combinationsFor} from '../config/combinations.js';
import {type Experiment, loadExperiment} from '../config/experiment.js';
import {applyOverrides} from '../config/overrides.js';
import {concurrencyFlag} from '../cli/concurrency-flag.js';
import {type Inventory, loadInventory, withConcurrency} from '../config/inventory.js';
import {hostCoresLine} from '../config/host-cores.js';
import {selectHosts} from '../config/select-hosts.js';
import type {EngineName} from '../engine/engine-names.js';
import {csvFileOf} from '../data/load.js';
import {parseSchedulerAddress, SCHEDULER_FIX} from '../engine/scheduler-address.js';
import {InputError, NoisyResultError} from '../errors.js';
import {progressPrinter} from '../report/progress.js';
import {renderEngineComparison} from '../report/engines.js';
import {checkExportPaths, checkExportsAreNotInputs, type ExportFlags} from '../report/export-paths.js';
import {type ExportPaths, exportsForEngine, exportsForLatency, saveResult} from '../report/save.js';
import {renderLatencySummary, renderRunDetails, renderTable} from '../report/table.js';
import {renderTerminalChart} from '../report/terminal-chart.js';
import {SCHEDULE_NAMES, type ScheduleName} from '../schedule/schedule.js';
import {printable} from '../text/printable.js';

export default class Bench extends ClusterCommand {
  static override summary =
    "Train the forest on each combination of hosts and compare ideal and measured time (the paper's Table I).";
  static override examples = [
    '<%= config.bin %> bench',
    '<%= config.bin %> bench --experiment local-large --export-markdown table.md',
    '<%= config.bin %> bench --hosts local-a',
    '<%= config.bin %> bench --json > result.json',
    '<%= config.bin %> bench --engine native,dask',
  ];

  protected override interruptOutcome = 'finished results were kept';

  static override flags = {
    inventory: Flags.string({char: 'i', description: 'hosts file', default: 'inventory.yaml'}),
    experiment: Flags.string({
      char: 'e',
      description: 'experiment file, or the name of one in experiments/ or shipped (local, local-large, paper-table1)',
      default: 'experiments/local.yaml',
    }),
    hosts: Flags.string({
      description:
        'only the combinations made of these hosts: names, groups, globs, ranges, !exclusions (comma-separated)',
    }),
    'export-csv': Flags.string({description: 'also write the table as CSV to this file'}),
    'export-markdown': Flags.string({description: 'also write the table as Markdown to this file'}),
    'export-json': Flags.string({description: 'also write the full result as JSON to this file'}),
    'export-timeline': Flags.string({
      description: 'also draw which slot trained which tree when, as an SVG Gantt chart, to this file',
    }),
    'export-scaling': Flags.string({
      description: 'also draw time against cores (measured and both ideals), as SVG, to this file',
    }),
    'results-dir': Flags.string({
      description: 'where every run saves its journal, CSV, Markdown and JSON',
      default: 'results',
    }),
    schedule: Flags.string({
      description: "how trees are given to hosts (default: the experiment's, else dynamic)",
      options: [...SCHEDULE_NAMES],
    }),
    scheduler: Flags.string({
      description:
        'use the existing Dask cluster at tcp://HOST:PORT for the dask engine (a row of n hosts runs on its first n workers)',
    }),
    engine: Flags.string({
      description:
        "what trains the forest: native, dask (scikit-learn through Dask), or several to compare, e.g. native,dask (default: the experiment's, else native)",
    }),
    resume: Flags.string({
      description: 'continue an interrupted sweep: its id (printed when it started) or its .jsonl file',
    }),
    recalibrate: Flags.boolean({
      description: "measure each host's throughput again instead of using the cached figure",
      default: false,
    }),
    latency: Flags.string({
      description: 'on a lab: run the sweep at each of these link latencies (each way), e.g. 0ms,1ms,5ms,20ms',
    }),
    lab: Flags.string({description: 'the lab folder, with --latency', default: '.cluster-lab'}),
    quiet: Flags.boolean({
      char: 'q',
      description: 'no progress on stderr (on a terminal a redrawn line, elsewhere a line per finished run)',
      default: false,
    }),
    runs: Flags.string({description: "measured runs per combination (default: the experiment's, else 3)"}),
    warmup: Flags.string({description: "unmeasured warm-up runs per combination (default: the experiment's, else 1)"}),
    order: Flags.string({
      description:
        "interleaved: measured runs round-robin across combinations; sequential: each combination's runs back to back (default: the experiment's, else interleaved)",
    }),
    'fail-on-noise': Flags.boolean({
      description: 'exit with code 4 when a row carries a warning (interference, variance, outlier)',
      default: false,
    }),
    wide: Flags.boolean({
      description: 'show every column in the terminal table (the default fits 100 columns)',
      default: false,
    }),
    concurrency: concurrencyFlag,
    verbose: Flags.boolean({
      char: 'v',
      description: 'also print, for each run and host, trees, utilisation, shipping and waiting, and faults',
      default: false,
    }),
  };

  async run(): Promise<BenchResult | LatencySweepResult | EngineSweepResult> {
    const {flags} = await this.parse(Bench);
    checkExportPaths(exportFlags(flags), flags['results-dir'], flags.resume);
    const inventory = withConcurrency(loadInventory(flags.inventory), flags.concurrency);
    const experiment = applyOverrides(
      combinationsFor(
        loadExperiment(flags.experiment),
        inventory,
        flags.hosts ? selectHosts(inventory, flags.hosts) : undefined,
      ),
      {runs: flags.runs, warmup: flags.warmup, order: flags.order},
    );
    const scheduler = flags.scheduler === undefined ? undefined : schedulerFlag(flags.scheduler);
    const engines =
      flags.engine === undefined ? (scheduler ? ['dask' as const] : [experiment.engine]) : parseEngines(flags.engine);
    checkMode(flags, engines);
    // A latency sweep names its exports by latency as several engines do by engine (t-5ms.csv).
    checkExportsAreNotInputs(
      exportFlags(flags),
      benchInputs(experiment, inventory.file),
      flags.latency && engines.length === 1 ? parseLatencies(flags.latency).map(latencyLabel) : engines,
    );
    const sweep: SweepSetup = {
      experiment,
      inventory,
      resultsDir: flags['results-dir'],
      schedule: flags.schedule as ScheduleName | undefined,
      scheduler,
      recalibrate: flags.recalibrate,
      progress: progressPrinter(process.stderr, {quiet: flags.quiet}),
    };
    if (engines.length > 1) return this.compareEngines(flags, sweep, engines);
    if (flags.latency) return this.sweepLatencies(flags, sweep, engines[0], parseLatencies(flags.latency));
    return this.sweepOnce(flags, sweep, engines[0]);
  }

  /** --engine native,dask: the same sweep by each engine, each with its table and exports, then side by side. */
  private async compareEngines(
    flags: BenchFlags,
    sweep: SweepSetup,
    engines: EngineName[],
  ): Promise<EngineSweepResult> {
    const {progress, ...options} = sweep;
    const saved = new Map<string, string[]>();
    // Each engine's sweep gets its own capacity model, as a single-engine sweep does: in its JSON, Markdown and scaling chart.
    // Saved as each engine ends: an interruption or failure of the next keeps it.
    const save = (result: BenchResult) =>
      saved.set(
        result.engine,
        saveResult(withModel(result), flags['results-dir'], exportsForEngine(exportPaths(flags), result.engine)),
      );
    // Resumed alone, an engine's sweep writes the exports it would have written here (t-dask.csv).
    const engineExports = (engine: string) =>
      Object.fromEntries(
        Object.entries(exportFlags(flags)).map(([flag, path]) => [
          flag,
          path && exportsForEngine({csv: path}, engine).csv,
        ]),
      );
    const resumeCommandOf = (engine: EngineName) => (id: string) =>
      resumeCommandFor(id, {...sweepFlags(flags, options.scheduler), engine, exports: engineExports(engine)});
    const run = await this.interruptible((signal) =>
      runEngines({...options, signal, onProgress: progress.update, resumeCommandOf}, engines, save),
    ).finally(progress.clear);
    const compared = {...run, results: run.results.map(withModel)};
    for (const result of compared.results) {
      this.log(
        `Engine ${result.engine}:\n${renderTable(result, {wide: flags.wide})}\nSaved: ${printable(saved.get(result.engine)!.join(', '))}\n`,
      );
    }
    this.log(renderEngineComparison(engines, compared.comparison));
    failOnNoise(flags, compared.results, compared);
    return compared;
  }

  /** --latency: the sweep at each link latency of a lab, each saved with its exports (t.csv: t-0ms.csv, t-5ms.csv, ...). */
  private async sweepLatencies(
    flags: BenchFlags,
    sweep: SweepSetup,
    engine: EngineName,
    latencies: number[],
  ): Promise<LatencySweepResult> {
    const {progress, ...options} = sweep;
    const saved = new Map<number, string[]>();
    const points = await this.interruptible((signal) =>
      runLatencySweep({
        ...options,
        engine,
        signal,
        onProgress: progress.update,
        labDir: resolve(flags.lab),
        latencies,
        // Saved as each latency ends: an interruption or failure later keeps the latencies measured.
        onPoint: ({latencyMs, result}) =>
          saved.set(
            latencyMs,
            saveResult(
              withModel(result),
              flags['results-dir'],
              exportsForLatency(exportPaths(flags), latencyLabel(latencyMs)),
            ),
          ),
        continueCommand: (remaining) => continueLatenciesCommand(this.argv, remaining.map(latencyLabel)),
      }),
    ).finally(progress.clear);
    const modelled = points.map((point) => ({...point, result: withModel(point.result)}));
    for (const {latencyMs, result} of modelled) {
      this.log(
        `Link latency ${latencyMs} ms each way:\n${renderTable(result, {wide: flags.wide})}\nSaved: ${printable(saved.get(latencyMs)!.join(', '))}\n`,
      );
    }
    this.log(renderLatencySummary(modelled));
    const output = {latencies: modelled};
    failOnNoise(
      flags,
      modelled.map((point) => point.result),
      output,
    );
    return output;
  }

  /** One engine, one sweep: the table, its chart, its files; resumable. */
  private async sweepOnce(flags: BenchFlags, sweep: SweepSetup, engine: EngineName): Promise<BenchResult> {
    const {progress, ...options} = sweep;
    const resumeCommand = (id: string) => resumeCommandFor(id, sweepFlags(flags, options.scheduler));
    let journalFile: string | undefined;
    const result = withModel(
      await this.interruptible((signal) =>
        runBench({
          ...options,
          signal,
          engine,
          resume: flags.resume,
          onProgress: progress.update,
          resumeCommand,
          onWarning: (message) => process.stderr.write(`Warning: ${printable(message)}\n`),
          onStart: (id, journal, hosts) => {
            journalFile = journal;
            // From here on, an interruption at any stage (the engine's shutdown, the save) names the --resume.
            this.interruptHint = () => resumeCommand(id);
            if (!flags.quiet)
              for (const line of [`Sweep ${id}: every finished run goes to ${journal}`, ...hostCoresLine(hosts)])
                process.stderr.write(`${printable(line)}\n`);
          },
        }),
      ).finally(progress.clear),
    );
    // The table first: a file that cannot be written afterwards must not take it with it.
    this.log(renderTable(result, {wide: flags.wide}));
    const chart = renderTerminalChart(result);
    if (chart) this.log(chart);
    if (flags.verbose) this.log(renderRunDetails(result));
    const saved = saveResult(result, flags['results-dir'], exportPaths(flags), resumeCommand(result.id));
    this.log(`Saved: ${printable([journalFile ?? [], saved].flat().join(', '))}`);
    failOnNoise(flags, [result], result);
    return result;
  }
}

type BenchFlags = Interfaces.InferredFlags<typeof Bench.flags>;
type EngineSweepResult = {results: BenchResult[]; comparison: EngineComparison[]};
type LatencySweepResult = {latencies: LatencyPoint[]};

/** What every mode's sweeps share, from the flags and files. */
interface SweepSetup {
  experiment: Experiment;
  inventory: Inventory;
  resultsDir: string;
  schedule?: ScheduleName;
  scheduler?: string;
  recalibrate: boolean;
  progress: ReturnType<typeof progressPrinter>;
}

/** Flags a mode cannot honour are refused before anything runs, never ignored. */
function checkMode(flags: BenchFlags, engines: EngineName[]): void {
  if (engines.length > 1 && flags.resume)
    throw new InputError({
      file: '--resume',
      problem: 'a sweep is resumed one engine at a time',
      fix: 'add --engine with the engine it ran',
    });
  if (engines.length > 1 && flags.latency)
    throw new InputError({
      file: '--latency',
      problem: 'a latency sweep runs one engine at a time',
      fix: `run one bench per engine, e.g. --engine ${engines[0]} --latency ${flags.latency}`,
    });
  if (flags.latency && flags.resume)
    throw new InputError({
      file: '--resume',
      problem: 'a latency sweep is not resumed (a --resume would run at the latency the links are at now)',
      fix: 'run the latencies still missing again with --latency, as the interrupted sweep printed',
    });
}

/** --fail-on-noise, in every mode: exit 4 once the results are saved, when any row carries a warning. */
function failOnNoise(flags: BenchFlags, results: readonly BenchResult[], output: unknown): void {
  const warnings = countRowWarnings(results);
  if (flags['fail-on-noise'] && warnings > 0) throw new NoisyResultError(warnings, output);
}

/** The flags a --resume of this bench needs again. */
function sweepFlags(flags: BenchFlags, scheduler: string | undefined): SweepFlags {
  return {
    inventory: flags.inventory,
    experiment: flags.experiment,
    resultsDir: flags['results-dir'],
    hosts: flags.hosts,
    failOnNoise: flags['fail-on-noise'],
    schedule: flags.schedule,
    engine: flags.engine,
    scheduler,
    runs: flags.runs,
    warmup: flags.warmup,
    order: flags.order,
    exports: exportFlags(flags),
  };
}

/** The export flags as the files saveResult writes. */
function exportPaths(flags: BenchFlags): ExportPaths {
  return {
    csv: flags['export-csv'],
    markdown: flags['export-markdown'],
    json: flags['export-json'],
    timeline: flags['export-timeline'],
    scaling: flags['export-scaling'],
  };
}

const EXPORT_FLAGS = ['export-csv', 'export-markdown', 'export-json', 'export-timeline', 'export-scaling'] as const;

/** The export flags by name, for the checks before the sweep and the --resume command after it. */
function exportFlags(flags: Partial<Record<(typeof EXPORT_FLAGS)[number], string>>): ExportFlags {
  return Object.fromEntries(EXPORT_FLAGS.map((flag) => [flag, flags[flag]]));
}

/** The files a sweep reads, which no export may replace. */
function benchInputs(experiment: Experiment, inventoryFile: string) {
  const data =
    experiment.dataset.kind === 'csv'
      ? [{flag: `dataset.path of ${experiment.file}`, path: csvFileOf(experiment.dataset, experiment.file)}]
      : [];
  return [{flag: '--inventory', path: inventoryFile}, {flag: '--experiment', path: experiment.file}, ...data];
}

function schedulerFlag(text: string): string {
  const address = parseSchedulerAddress(text);
  if (!address)
    throw new InputError({
      file: '--scheduler',
      problem: `'${text}' is not a Dask scheduler address`,
      fix: SCHEDULER_FIX,
    });
  return address;
}
