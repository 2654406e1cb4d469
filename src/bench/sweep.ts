import {hostname, cpus, platform, arch} from 'node:os';
import {checkHostsExist, type Experiment} from '../config/experiment.js';
import type {Host, Inventory} from '../config/inventory.js';
import {trainForest} from '../coordinator/train-forest.js';
import {WorkerSet} from '../coordinator/worker-set.js';
import {InterruptedError} from '../errors.js';
import {Forest} from '../forest/forest.js';
import {treeOptionsOf} from '../forest/trainer.js';
import {staticCoresSchedule} from '../schedule/static-cores.js';
import {idealSeconds, scalability} from './formulas.js';
import {describeHardware} from './hardware.js';
import {prepareData, type PreparedData} from './prepare-data.js';
import type {BenchResult, BenchRow, RunRecord} from './result.js';
import {median} from './stats.js';

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

export interface BenchOptions {
  experiment: Experiment;
  inventory: Inventory;
  onProgress?: (progress: BenchProgress) => void;
  /** Aborting stops the workers and rejects with InterruptedError. */
  signal?: AbortSignal;
}

/** Sweeps the experiment's combinations: warm-up and measured runs of each, then the paper's table. */
export async function runBench({experiment, inventory, onProgress, signal}: BenchOptions): Promise<BenchResult> {
  checkHostsExist(experiment, inventory);
  const startedAt = new Date().toISOString();
  const data = prepareData(experiment);
  const hostsOf = (names: string[]) => names.map((name) => inventory.hosts.get(name)!);
  const used = [...new Set(experiment.combinations.flat())];
  const workers = await WorkerSet.open(hostsOf(used));
  const stop = () => void workers.close();
  signal?.addEventListener('abort', stop);
  try {
    const measured: Omit<BenchRow, 'ideal_s' | 'scalability'>[] = [];
    for (const [i, names] of experiment.combinations.entries()) {
      const hosts = hostsOf(names);
      const hardware = describeHardware(hosts);
      const runs: RunRecord[] = [];
      const total = experiment.warmup + experiment.runs;
      for (let run = 1; run <= total; run++) {
        if (signal?.aborted) throw new InterruptedError(String(signal.reason ?? 'signal'));
        const progress = (done: number) => onProgress?.({combination: i + 1, combinations: experiment.combinations.length, hardware, run, runs: total, warmup: run <= experiment.warmup, done, total: experiment.forest.trees});
        progress(0);
        runs.push(await measureRun(experiment, data, workers, hosts, progress).catch((error) => {
          throw signal?.aborted ? new InterruptedError(String(signal.reason ?? 'signal')) : error;
        }));
      }
      measured.push(summarise(hardware, hosts, runs.slice(experiment.warmup), runs.slice(0, experiment.warmup)));
    }
    const baseline = measured[experiment.baseline];
    const rows = measured.map((row) => {
      const ideal = idealSeconds(baseline.measured_s, baseline.cores, row.cores);
      return {...row, ideal_s: ideal, scalability: scalability(ideal, row.measured_s)};
    });
    return {
      experiment: experiment.name,
      experimentFile: experiment.file,
      inventoryFile: inventory.file,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: describeMachine(),
      dataset: {description: data.description, rows: data.train.rows + data.test.rows, trainRows: data.train.rows, testRows: data.test.rows, features: data.train.features, classes: data.train.classes.length, hash: data.hash},
      forest: experiment.forest,
      baseline: experiment.combinations[experiment.baseline],
      rows,
    };
  } finally {
    signal?.removeEventListener('abort', stop);
    await workers.close();
  }
}

async function measureRun(experiment: Experiment, data: PreparedData, workers: WorkerSet, hosts: Host[], progress: (done: number) => void): Promise<RunRecord> {
  const {forest} = experiment;
  const trained = await trainForest({
    workers: workers.get(hosts.map((host) => host.name)),
    dataset: data.train,
    datasetHash: data.hash,
    options: treeOptionsOf(forest),
    trees: forest.trees,
    forestSeed: forest.seed,
    schedule: staticCoresSchedule,
    onTree: progress,
  });
  const merged = Forest.fromTrees(forest.trainer, data.train.classes, trained.trees);
  return {seconds: trained.seconds, accuracy: merged.accuracy(data.test.values, data.test.features, data.test.labels), hosts: trained.hosts};
}

function summarise(hardware: string, hosts: Host[], runs: RunRecord[], warmup: RunRecord[]): Omit<BenchRow, 'ideal_s' | 'scalability'> {
  const seconds = runs.map((run) => run.seconds);
  return {
    hardware,
    hosts: hosts.map((host) => host.name),
    cores: hosts.reduce((sum, host) => sum + host.cores, 0),
    measured_s: median(seconds),
    min_s: Math.min(...seconds),
    max_s: Math.max(...seconds),
    accuracy: median(runs.map((run) => run.accuracy)),
    runs,
    warmup,
  };
}

function describeMachine(): BenchResult['machine'] {
  const cores = cpus();
  return {hostname: hostname(), platform: platform(), arch: arch(), cpus: cores.length, cpuModel: cores[0]?.model ?? 'unknown', node: process.version};
}
