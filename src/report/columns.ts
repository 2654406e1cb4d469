import type {BenchRow} from '../results/result.js';

/** The paper's columns first, then ours: one definition shared by the table, CSV and Markdown. */
export interface Column {
  title: string;
  /** The CSV header; a comma in it makes the column two CSV fields. */
  csv: string;
  /** The CSV value: seconds and ratios to 6 and 4 significant digits (a 23 ms run keeps its digits: ratios recomputed from the CSV agree). */
  value(row: BenchRow): string | number;
  format(row: BenchRow): string;
  /** Shown in the terminal only with --wide, so the default table fits 100 columns; always in CSV and Markdown. */
  wide?: boolean;
}

const fixed = (digits: number) => (value: number | null) => (value === null ? '' : value.toFixed(digits));
const seconds = fixed(2);
const ms = (value: number | null) => (value === null ? '' : Number(value.toPrecision(6)));
const ratio = (value: number | null) => (value === null ? '' : Number(value.toPrecision(4)));
const pair = (round: (value: number | null) => number | string, value: [number, number] | null) =>
  value ? `${round(value[0])},${round(value[1])}` : ',';
// 'low to high': a dash read as a minus sign ('-0.94-11.74'); the low end held at 0, as no time or ratio is below it.
const interval = (digits: number, value: [number, number] | null) =>
  value ? `${Math.max(0, value[0]).toFixed(digits)} to ${value[1].toFixed(digits)}` : '';
// A dask row that ran but cannot have the figure (no calibration stands in for a host that trained nothing): '-', not a blank.
const orDash = (row: BenchRow, text: string) =>
  text === '' && row.engine === 'dask' && row.status === 'ok' ? '-' : text;

export const COLUMNS: Column[] = [
  {title: 'Hardware', csv: 'hardware', value: (r) => r.hardware, format: (r) => r.hardware},
  {title: 'Cores', csv: 'cores', value: (r) => r.cores, format: (r) => String(r.cores)},
  {title: 'Ideal (s)', csv: 'ideal_s', value: (r) => ms(r.ideal_s), format: (r) => seconds(r.ideal_s)},
  {
    title: 'Measured (s)',
    csv: 'measured_s',
    value: (r) => ms(r.measured_s),
    format: (r) =>
      r.status === 'failed'
        ? 'FAILED'
        : `${seconds(r.measured_s)}${r.stddev_s === null ? '' : ` ± ${seconds(r.stddev_s)}`}`,
  },
  {
    title: 'Scalability',
    csv: 'scalability',
    value: (r) => ratio(r.scalability),
    format: (r) => fixed(3)(r.scalability),
  },
  {
    title: 'Capacity ideal (s)',
    csv: 'capacity_ideal_s',
    value: (r) => ms(r.capacity_ideal_s),
    format: (r) => orDash(r, seconds(r.capacity_ideal_s)),
    wide: true,
  },
  {
    title: 'Efficiency',
    csv: 'efficiency',
    value: (r) => ratio(r.efficiency),
    format: (r) => orDash(r, fixed(3)(r.efficiency)),
  },
  {
    title: 'Accuracy',
    csv: 'accuracy',
    value: (r) => ratio(r.accuracy),
    format: (r) => fixed(4)(r.accuracy),
    wide: true,
  },
  {
    title: 'Min-max (s)',
    csv: 'min_s,max_s',
    value: (r) => `${ms(r.min_s)},${ms(r.max_s)}`,
    format: (r) => (r.min_s === null ? '' : `${seconds(r.min_s)}-${seconds(r.max_s)}`),
    wide: true,
  },
  {title: 'Faults', csv: 'faults', value: (r) => faults(r), format: (r) => String(faults(r))},
  {title: 'Runs', csv: 'runs', value: (r) => r.runs.length, format: (r) => String(r.runs.length), wide: true},
  {title: 'Hosts', csv: 'hosts', value: (r) => r.hosts.join(' '), format: (r) => r.hosts.join(', '), wide: true},
  {title: 'Mean (s)', csv: 'mean_s', value: (r) => ms(r.mean_s), format: (r) => seconds(r.mean_s), wide: true},
  {
    title: 'CV',
    csv: 'cv',
    value: (r) => ratio(r.cv),
    format: (r) => (r.cv === null ? '' : `${(r.cv * 100).toFixed(1)}%`),
    wide: true,
  },
  {
    title: '95% CI (s)',
    csv: 'ci95_low_s,ci95_high_s',
    value: (r) => pair(ms, r.ci95_s),
    format: (r) => interval(2, r.ci95_s),
    wide: true,
  },
  {
    title: 'Scalability 95% CI',
    csv: 'scalability_ci95_low,scalability_ci95_high',
    value: (r) => pair(ratio, r.scalability_ci95),
    format: (r) => interval(3, r.scalability_ci95),
    wide: true,
  },
  {
    title: 'Efficiency 95% CI',
    csv: 'efficiency_ci95_low,efficiency_ci95_high',
    value: (r) => pair(ratio, r.efficiency_ci95),
    format: (r) => interval(3, r.efficiency_ci95),
    wide: true,
  },
  {
    title: 'Calibrated efficiency',
    csv: 'calibrated_efficiency',
    value: (r) => ratio(r.calibrated_efficiency),
    format: (r) => orDash(r, fixed(3)(r.calibrated_efficiency)),
    wide: true,
  },
  {
    title: 'Warnings',
    csv: 'warnings',
    value: (r) => r.warnings.map((w) => w.kind).join(' '),
    format: (r) => [...new Set(r.warnings.map((w) => w.kind))].join(', '),
    wide: true,
  },
  {title: 'Engine', csv: 'engine', value: (r) => r.engine, format: (r) => r.engine, wide: true},
];

function faults(row: BenchRow): number {
  return (
    [...row.warmup, ...row.runs].reduce((sum, run) => sum + run.faults.length, 0) + (row.status === 'failed' ? 1 : 0)
  );
}
