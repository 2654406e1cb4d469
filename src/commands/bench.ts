import {Flags, type Interfaces} from '@oclif/core';
import {resolve} from 'node:path';
import {parseEngines} from '../config/engine-names.js';
import {latencyLabel, parseLatencies} from '../sweep/latency-sweep.js';
import type {BenchResult} from '../results/result.js';
import {continueLatenciesCommand, resumeCommandFor, type SweepFlags} from '../sweep/resume-command.js';
import {countRowWarnings} from '../results/warnings.js';
import {ClusterCommand} from '../cli/cluster-command.js';
import {combinationsFor} from '../config/combinations.js';
import {type Experiment, loadExperiment} from '../config/experiment.js';
import {applyOverrides} from '../config/overrides.js';
import {concurrencyFlag} from '../cli/concurrency-flag.js';
import {loadInventory, withConcurrency} from '../config/inventory.js';
import {hostCoresLine} from '../config/host-cores.js';
import {selectHosts} from '../config/select-hosts.js';
import type {EngineName} from '../config/engine-names.js';
import {csvFileOf} from '../data/load.js';
import {parseSchedulerAddress, SCHEDULER_FIX} from '../config/scheduler-address.js';
import {InputError, NoisyResultError} from '../errors.js';
import {renderEngineSweep, renderLatencySweep, renderSaved, renderSweep} from '../report/bench-output.js';
import {EXPORTERS, type ExportFlag, exportFlagsOf, exportPathsOf} from '../report/exporters.js';
import {checkExportPaths, checkExportsAreNotInputs} from '../sweep/export-paths.js';
import {progressPrinter} from '../report/progress.js';
import {SCHEDULE_NAMES} from '../schedule/schedule.js';
import {
  benchEngines,
  benchLatencies,
  benchOnce,
  type BenchSetup,
  type EngineSweep,
  type LatencySweep,
} from '../sweep/bench-modes.js';
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
    '<%= config.bin %> bench -e experiments/network-local.yaml --engine native,torch',
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
    ...exportFlagDefinitions(),
    'results-dir': Flags.string({
      description: 'where every run saves its journal, CSV, Markdown and JSON',
      default: 'results',
    }),
    schedule: Flags.option({
      description: "how trees are given to hosts (default: the experiment's, else dynamic)",
      options: SCHEDULE_NAMES,
    })(),
    scheduler: Flags.string({
      description:
        'use the existing Dask cluster at tcp://HOST:PORT for the dask engine (a row of n hosts runs on its first n workers)',
    }),
    engine: Flags.string({
      description:
        "what trains: native, dask (scikit-learn through Dask, forests), torch (PyTorch's DistributedDataParallel, networks), or several to compare, e.g. native,dask or native,torch (default: the experiment's, else native)",
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

  async run(): Promise<BenchResult | LatencySweep['output'] | EngineSweep['output']> {
    const {flags} = await this.parse(Bench);
    checkExportPaths(exportFlagsOf(flags), flags['results-dir'], flags.resume);
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
      exportFlagsOf(flags),
      benchInputs(experiment, inventory.file),
      flags.latency && engines.length === 1 ? parseLatencies(flags.latency).map(latencyLabel) : engines,
    );
    const setup: BenchSetup = {
      experiment,
      inventory,
      resultsDir: flags['results-dir'],
      schedule: flags.schedule,
      scheduler,
      recalibrate: flags.recalibrate,
      exports: exportPathsOf(flags),
      resumeFlags: sweepFlags(flags, scheduler),
      progress: progressPrinter(process.stderr, {quiet: flags.quiet}),
      interruptible: (work) => this.interruptible(work),
    };
    if (engines.length > 1) return this.compareEngines(flags, setup, engines);
    if (flags.latency) return this.sweepLatencies(flags, setup, engines[0], parseLatencies(flags.latency));
    return this.sweepOnce(flags, setup, engines[0]);
  }

  /** --engine native,dask: the same sweep by each engine, each with its table and exports, then side by side. */
  private async compareEngines(flags: BenchFlags, setup: BenchSetup, engines: EngineName[]) {
    const {output, saved} = await benchEngines(setup, engines);
    this.log(renderEngineSweep(engines, output, saved, flags.wide));
    failOnNoise(flags, output.results, output);
    return output;
  }

  /** --latency: the sweep at each link latency of a lab, each saved with its exports (t.csv: t-0ms.csv, t-5ms.csv, ...). */
  private async sweepLatencies(flags: BenchFlags, setup: BenchSetup, engine: EngineName, latencies: number[]) {
    const {output, saved} = await benchLatencies(setup, engine, {
      labDir: resolve(flags.lab),
      latencies,
      continueCommand: (remaining) => continueLatenciesCommand(this.argv, remaining.map(latencyLabel)),
    });
    this.log(renderLatencySweep(output, saved, flags.wide));
    failOnNoise(
      flags,
      output.latencies.map((point) => point.result),
      output,
    );
    return output;
  }

  /** One engine, one sweep: the table, its chart, its files; resumable. */
  private async sweepOnce(flags: BenchFlags, setup: BenchSetup, engine: EngineName): Promise<BenchResult> {
    const {result, saved} = await benchOnce(setup, engine, {
      resume: flags.resume,
      onWarning: (message) => process.stderr.write(`Warning: ${printable(message)}\n`),
      onStart: (id, journal, hosts) => {
        // From here on, an interruption at any stage (the engine's shutdown, the save) names the --resume.
        this.interruptHint = () => resumeCommandFor(id, setup.resumeFlags);
        if (!flags.quiet)
          for (const line of [`Sweep ${id}: every finished run goes to ${journal}`, ...hostCoresLine(hosts)])
            process.stderr.write(`${printable(line)}\n`);
      },
      onFinished: (finished) => this.log(renderSweep(finished, {wide: flags.wide, verbose: flags.verbose})),
    });
    this.log(renderSaved(saved));
    failOnNoise(flags, [result], result);
    return result;
  }
}

type BenchFlags = Interfaces.InferredFlags<typeof Bench.flags>;

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
    exports: exportFlagsOf(flags),
  };
}

/** One string flag per export format, from the exporters' table. */
function exportFlagDefinitions() {
  return Object.fromEntries(EXPORTERS.map(({flag, description}) => [flag, Flags.string({description})])) as Record<
    ExportFlag,
    Interfaces.OptionFlag<string | undefined>
  >;
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
