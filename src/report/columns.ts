import type {BenchRow} from '../bench/result.js';

/** The paper's columns first, then ours: one definition shared by the table, CSV and Markdown. */
export interface Column {
  title: string;
  csv: string;
  value(row: BenchRow): string | number;
  format(row: BenchRow): string;
  /** Left out of the terminal table to keep it within 100 columns; always in CSV and Markdown. */
  fileOnly?: boolean;
}

const fixed = (digits: number) => (value: number) => value.toFixed(digits);
const seconds = fixed(2);

export const COLUMNS: Column[] = [
  {title: 'Hardware', csv: 'hardware', value: (r) => r.hardware, format: (r) => r.hardware},
  {title: 'Cores', csv: 'cores', value: (r) => r.cores, format: (r) => String(r.cores)},
  {title: 'Ideal (s)', csv: 'ideal_s', value: (r) => r.ideal_s, format: (r) => seconds(r.ideal_s)},
  {title: 'Measured (s)', csv: 'measured_s', value: (r) => r.measured_s, format: (r) => seconds(r.measured_s)},
  {title: 'Scalability', csv: 'scalability', value: (r) => r.scalability, format: (r) => fixed(3)(r.scalability)},
  {title: 'Accuracy', csv: 'accuracy', value: (r) => r.accuracy, format: (r) => fixed(4)(r.accuracy)},
  {title: 'Min-max (s)', csv: 'min_s,max_s', value: (r) => `${r.min_s},${r.max_s}`, format: (r) => `${seconds(r.min_s)}-${seconds(r.max_s)}`},
  {title: 'Runs', csv: 'runs', value: (r) => r.runs.length, format: (r) => String(r.runs.length), fileOnly: true},
  {title: 'Hosts', csv: 'hosts', value: (r) => r.hosts.join(' '), format: (r) => r.hosts.join(', '), fileOnly: true},
];
