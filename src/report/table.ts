import Table from 'cli-table3';
import {formatMaxFeatures} from '../forest/max-features.js';
import {type BenchResult, unitOf} from '../results/result.js';
import {capitalise} from '../text/capitalise.js';
import {printable} from '../text/printable.js';
import {COLUMNS} from './columns.js';

/** The default table fits a terminal this wide; --wide shows every column. */
export const TABLE_WIDTH = 100;

/** The terminal table, its warnings and what was measured on what underneath. */
export function renderTable(result: BenchResult, {wide = false}: {wide?: boolean} = {}): string {
  const columns = COLUMNS.filter((c) => wide || !c.wide);
  // Labels, host names and a failure's words are outside text: each cell and line is escaped.
  const cells = result.rows.map((row) => columns.map((c) => printable(c.format(row))));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)) + 2);
  const total = widths.reduce((sum, width) => sum + width + 1, 1);
  // Long hardware names wrap rather than push the table past the terminal's width.
  if (!wide && total > TABLE_WIDTH) widths[0] = Math.max(12, widths[0] - (total - TABLE_WIDTH));
  const table = new Table({
    head: columns.map((c) => c.title),
    colWidths: widths,
    wordWrap: true,
    style: {head: [], border: []},
  });
  table.push(...cells);
  const failures = result.rows
    .filter((row) => row.error)
    .map((row) => printable(`${row.hardware} failed: ${row.error}`));
  return [table.toString(), ...failures, ...renderWarnings(result), describeSetup(result)].join('\n');
}

/** Under the table, as hyperfine does: one line per warning, naming the row. */
export function renderWarnings(result: BenchResult): string[] {
  return [
    ...(result.warnings ?? []).map((w) => `Warning: ${w.message}`),
    ...result.rows.flatMap((row) => row.warnings.map((w) => `Warning (${row.hardware}, ${w.kind}): ${w.message}`)),
  ].map(printable);
}

export function describeSetup(result: BenchResult): string {
  if (result.network) return describeNetworkSetup(result);
  const forest = result.forest!;
  const {dataset, machine} = result;
  const runs = Math.max(0, ...result.rows.map((row) => row.runs.length));
  const warmup = Math.max(0, ...result.rows.map((row) => row.warmup.length));
  const dask = result.engine === 'dask';
  return [
    `Experiment ${result.experiment}: ${forest.trees} trees (${dask ? "scikit-learn's RandomForestClassifier through Dask" : forest.trainer}, maxFeatures ${formatMaxFeatures(forest.maxFeatures)}${forest.maxDepth ? `, maxDepth ${forest.maxDepth}` : ''}, seed ${forest.seed}) on ${dataset.description}, ${dataset.trainRows} training rows, ${dataset.testRows} test rows.`,
    `Measured = median wall time ± standard deviation of ${runs} run(s) after ${warmup} warm-up(s), ${dask ? "of the fit under joblib's dask backend (data shipping included), Dask scheduling" : `from the first byte sent to the last tree received, schedule ${result.schedule}`}, runs ${result.order ?? 'sequential'}. Ideal = measured(${result.baseline.join(' + ')}) x its cores / cores. Scalability = ideal / measured.`,
    dask
      ? "Efficiency = capacity ideal / measured, run by run, where capacity ideal = trees / the sum of the hosts' speeds in that run (trees per second of training inside Dask's tasks, times threads); '-' where a host trained no tree, and for the calibrated efficiency: the dask engine has no solo calibration."
      : `Efficiency = capacity ideal / measured, run by run, where capacity ideal = trees / the sum of the hosts' speeds in that run (trees per second of training, times cores). Solo calibration, trees/s: ${Object.entries(
          result.calibration,
        )
          .map(([host, rate]) => `${host} ${rate.toFixed(1)}`)
          .join(', ')}.`,
    `Coordinator: ${machine.cpuModel} (${machine.cpus} CPUs), ${machine.platform}/${machine.arch}, Node.js ${machine.node}.`,
  ]
    .map(printable)
    .join('\n');
}

/** A network's sweep: what was trained, how the batches were divided, what the figures mean. */
function describeNetworkSetup(result: BenchResult): string {
  const {dataset, machine} = result;
  const network = result.network!;
  const runs = Math.max(0, ...result.rows.map((row) => row.runs.length));
  const warmup = Math.max(0, ...result.rows.map((row) => row.warmup.length));
  const hashes = new Set(result.rows.flatMap((row) => row.runs.map((run) => run.weightsHash)));
  return [
    `Experiment ${result.experiment}: a network of layers ${network.layers.join(' x ')} (${network.activation}, ${network.optimizer}, learning rate ${network.learningRate}), ${network.epochs} epochs of batches of ${network.batchSize}, seed ${network.seed}, on ${dataset.description}, ${dataset.trainRows} training rows, ${dataset.testRows} test rows.`,
    ...(result.engine === 'torch'
      ? torchSetup(result, hashes.size)
      : [
          `Each batch is cut into chunks of 32 rows divided among the hosts ${network.split === 'equal' ? 'equally' : 'in proportion to their speeds in the last step'}; the gradients are summed exactly ${network.reduce === 'ring' ? 'by the hosts in a ring' : 'by the coordinator'} and every host applies the same update. Weights (SHA-256): ${hashes.size === 1 ? `${[...hashes][0]?.slice(0, 16)}, the same in every run` : `${hashes.size} different`}.`,
        ]),
    `Measured = median wall time ± standard deviation of ${runs} run(s) after ${warmup} warm-up(s), ${result.engine === 'torch' ? "from the group's first step to its last" : 'data shipping included'}, runs ${result.order ?? 'sequential'}. Ideal = measured(${result.baseline.join(' + ')}) x its cores / cores. Scalability = ideal / measured. Efficiency = chunks / the sum of the hosts' speeds in that run (chunks per second of computing per core, times its cores) / measured.`,
    `Coordinator: ${machine.cpuModel} (${machine.cpus} CPUs), ${machine.platform}/${machine.arch}, Node.js ${machine.node}.`,
  ]
    .map(printable)
    .join('\n');
}

/** How the torch engine trained, and what its time leaves out. */
function torchSetup(result: BenchResult, weights: number): string[] {
  const starts = result.rows.flatMap((row) => row.runs.flatMap((run) => run.startSeconds ?? []));
  const start = starts.length > 0 ? starts.reduce((a, b) => a + b, 0) / starts.length : 0;
  return [
    `PyTorch's DistributedDataParallel over gloo, one process per host and per run, float32: each batch split equally among the hosts (DDP's way), the gradients all-reduced at every backward pass. Weights (SHA-256): ${weights} different (float32 sums whose order depends on the number of hosts).`,
    `Not in the measured time: starting each host's Python, importing torch, sending the rows and forming the group, ${start.toFixed(2)} s a run on average.`,
  ];
}

/** --verbose: each run's hosts (work items, re-executed, utilisation, shipping, waiting) and its faults. */
export function renderRunDetails(result: BenchResult): string {
  const table = new Table({
    head: [
      'Combination',
      'Run',
      'Host',
      capitalise(unitOf(result)),
      'Re-executed',
      'Utilisation',
      'Ship (s)',
      'Wait (s)',
    ],
    style: {head: [], border: []},
  });
  const faults: string[] = [];
  for (const row of result.rows) {
    [
      ...row.warmup.map((run) => ({run, label: 'warm-up'})),
      ...row.runs.map((run, i) => ({run, label: String(i + 1)})),
    ].forEach(({run, label}) => {
      for (const host of run.hosts)
        table.push([
          printable(row.hardware),
          label,
          printable(host.host),
          host.items,
          host.reexecuted,
          `${(host.utilisation * 100).toFixed(0)}%`,
          host.shipSeconds.toFixed(2),
          host.waitSeconds.toFixed(2),
        ]);
      for (const fault of run.faults)
        faults.push(
          printable(
            `${row.hardware}, run ${label}: ${fault.host} ${fault.reason} at ${fault.at.toFixed(2)} s (${fault.message}); ${fault.requeued} ${unitOf(result)} given to others`,
          ),
        );
    });
  }
  return [table.toString(), ...faults].join('\n');
}

/** The latency sweep in one table: each combination's time and scaling at each link latency. */
export function renderLatencySummary(points: {latencyMs: number; result: BenchResult}[]): string {
  const table = new Table({
    head: ['Latency (each way)', 'Hardware', 'Cores', 'Measured (s)', 'Scalability', 'Efficiency'],
    style: {head: [], border: []},
  });
  for (const {latencyMs, result} of points) {
    for (const row of result.rows)
      table.push([
        `${latencyMs} ms`,
        printable(row.hardware),
        row.cores,
        row.measured_s?.toFixed(2) ?? 'FAILED',
        row.scalability?.toFixed(3) ?? '',
        row.efficiency?.toFixed(3) ?? '',
      ]);
  }
  return table.toString();
}
