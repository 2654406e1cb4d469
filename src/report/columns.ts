import type {BenchRow} from '../bench/result.js';

/** The paper's columns first, then ours: one definition shared by the table, CSV and Markdown. */
export interface Column {
  title: string;
  csv: string;
  value(row: BenchRow): string | number;
  format(row: BenchRow): string;
  /** Left out of the terminal table to keep it narrow; always in CSV and Markdown. */
  fileOnly?: boolean;
}

const fixed = (digits: number) => (value: number | null) => (value === null ? '' : value.toFixed(digits));
const seconds = fixed(2);
const number = (value: number | null) => value ?? '';

export const COLUMNS: Column[] = [
  {title: 'Hardware', csv: 'hardware', value: (r) => r.hardware, format: (r) => r.hardware},
  {title: 'Cores', csv: 'cores', value: (r) => r.cores, format: (r) => String(r.cores)},
  {title: 'Ideal (s)', csv: 'ideal_s', value: (r) => number(r.ideal_s), format: (r) => seconds(r.ideal_s)},
  {title: 'Measured (s)', csv: 'measured_s', value: (r) => number(r.measured_s), format: (r) => (r.status === 'failed' ? 'FAILED' : seconds(r.measured_s))},
  {title: 'Scalability', csv: 'scalability', value: (r) => number(r.scalability), format: (r) => fixed(3)(r.scalability)},
  {title: 'Capacity ideal (s)', csv: 'capacity_ideal_s', value: (r) => number(r.capacity_ideal_s), format: (r) => seconds(r.capacity_ideal_s)},
  {title: 'Efficiency', csv: 'efficiency', value: (r) => number(r.efficiency), format: (r) => fixed(3)(r.efficiency)},
  {title: 'Accuracy', csv: 'accuracy', value: (r) => number(r.accuracy), format: (r) => fixed(4)(r.accuracy)},
  {title: 'Min-max (s)', csv: 'min_s,max_s', value: (r) => `${number(r.min_s)},${number(r.max_s)}`, format: (r) => (r.min_s === null ? '' : `${seconds(r.min_s)}-${seconds(r.max_s)}`), fileOnly: true},
  {title: 'Faults', csv: 'faults', value: (r) => faults(r), format: (r) => String(faults(r))},
  {title: 'Runs', csv: 'runs', value: (r) => r.runs.length, format: (r) => String(r.runs.length), fileOnly: true},
  {title: 'Hosts', csv: 'hosts', value: (r) => r.hosts.join(' '), format: (r) => r.hosts.join(', '), fileOnly: true},
];

function faults(row: BenchRow): number {
  return [...row.warmup, ...row.runs].reduce((sum, run) => sum + run.faults.length, 0) + (row.status === 'failed' ? 1 : 0);
}
