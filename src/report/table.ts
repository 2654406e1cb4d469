import Table from 'cli-table3';
import type {BenchResult} from '../bench/result.js';
import {COLUMNS} from './columns.js';

/** The terminal table, with what was measured on what underneath. */
export function renderTable(result: BenchResult): string {
  const columns = COLUMNS.filter((c) => !c.fileOnly);
  const table = new Table({head: columns.map((c) => c.title), style: {head: [], border: []}});
  for (const row of result.rows) table.push(columns.map((c) => c.format(row)));
  return `${table.toString()}\n${describeSetup(result)}`;
}

export function describeSetup(result: BenchResult): string {
  const {forest, dataset, machine} = result;
  const runs = result.rows[0]?.runs.length ?? 0;
  const warmup = result.rows[0]?.warmup.length ?? 0;
  return [
    `Experiment ${result.experiment}: ${forest.trees} trees (${forest.trainer}, maxFeatures ${forest.maxFeatures}${forest.maxDepth ? `, maxDepth ${forest.maxDepth}` : ''}, seed ${forest.seed}) on ${dataset.description}, ${dataset.trainRows} training rows, ${dataset.testRows} test rows.`,
    `Measured = median wall time of ${runs} run(s) after ${warmup} warm-up(s), from the first byte sent to the last tree received. Ideal = measured(${result.baseline.join(' + ')}) x its cores / cores. Scalability = ideal / measured.`,
    `Coordinator: ${machine.cpuModel} (${machine.cpus} CPUs), ${machine.platform}/${machine.arch}, Node.js ${machine.node}.`,
  ].join('\n');
}
