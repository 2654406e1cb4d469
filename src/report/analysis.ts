import {printable} from '../text/printable.js';
import {type Analysis, DEFAULT_TOLERANCE, percent, signedPercent} from '../results/capacity/analyze.js';

const METHOD = {
  rates: 'least squares on the rates (1 / time)',
  relative: 'least squares on the relative errors of the times',
};

/** The terminal report of `cluster analyze`; the file's hardware, kinds and name are outside text, escaped line by line. */
export function renderAnalysis(a: Analysis): string {
  const kinds = Object.keys(a.speeds);
  const seconds = (s: number | null) => (s === null ? '-' : s.toFixed(2));
  const lines = [
    `Capacity model of ${a.file}: time = work / sum of the hosts' speeds, fitted by ${METHOD[a.fit]} on ${a.rows.length} rows.`,
    `Work: ${a.work_s.toFixed(1)} s on one ${a.base_kind} host (speed 1).`,
    '',
    ...columns([
      ['Kind', 'Speed', '95% interval', ...(a.cores ? ['Cores', `Per core (${a.base_kind} cores)`] : [])],
      ...kinds.map((kind) => [
        kind,
        a.speeds[kind].toFixed(3),
        interval(a, kind),
        ...(a.cores ? [String(a.cores[kind]), a.per_core![kind].toFixed(2)] : []),
      ]),
    ]),
    intervalNote(a),
    '',
    ...columns([
      ['Hardware', 'Measured (s)', 'Model (s)', 'Residual', 'Run spread'],
      ...a.rows.map((row) => [
        row.hardware,
        seconds(row.measured_s),
        seconds(row.predicted_s),
        row.residual === null ? '-' : signedPercent(row.residual),
        row.spread === null ? '' : percent(row.spread),
      ]),
    ]),
    ...(a.warnings.length > 0
      ? a.warnings.map((warning) => `Warning: ${warning}.`)
      : [
          `No row's residual exceeds its run-to-run spread (${percent(DEFAULT_TOLERANCE)} where none is known): capacity explains every row.`,
        ]),
    ...a.skipped.map((why) => `Left out: ${why}.`),
  ];
  if (a.predictions.length > 0) {
    lines.push(
      '',
      'Predicted:',
      ...columns([
        ['Hardware', 'Cores', 'Model (s)', 'Scalability'],
        ...a.predictions.map((p) => [
          p.hardware,
          p.cores === null ? '-' : String(p.cores),
          seconds(p.predicted_s),
          p.scalability === null ? '-' : p.scalability.toFixed(3),
        ]),
      ]),
    );
  }
  if (a.next) lines.push('', ...renderNext(a.next, a.cores !== null));
  return lines.map(printable).join('\n');
}

function renderNext(next: NonNullable<Analysis['next']>, withCores: boolean): string[] {
  const ranked = (key: 'saved_s' | 'saved_per_core_s') =>
    next.add.filter((h) => h[key] !== null).sort((x, y) => y[key]! - x[key]!)[0];
  const perHost = ranked('saved_s');
  const perCore = ranked('saved_per_core_s');
  return [
    `One more host for ${next.hardware} (measured ${next.measured_s.toFixed(2)} s, model ${next.predicted_s?.toFixed(2) ?? '-'} s):`,
    ...columns([
      ['Add', 'Model (s)', 'Saved (s)', ...(withCores ? ['Saved per core (s)'] : [])],
      ...next.add.map((h) => [
        `1 x ${h.kind}`,
        h.predicted_s?.toFixed(2) ?? '-',
        h.saved_s?.toFixed(2) ?? '-',
        ...(withCores ? [h.saved_per_core_s?.toFixed(2) ?? '-'] : []),
      ]),
    ]),
    ...(perHost ? [`Most time saved per host: ${perHost.kind}${perCore ? `; per core: ${perCore.kind}` : ''}.`] : []),
  ];
}

function interval(a: Analysis, kind: string): string {
  if (kind === a.base_kind) return '(unit)';
  const ci = a.speeds_ci95[kind];
  return ci ? `${ci[0].toFixed(3)} to ${ci[1].toFixed(3)}` : '-';
}

function intervalNote(a: Analysis): string {
  if (a.ci_source === 'runs') return "Intervals: percentiles of the fit over the rows' runs resampled 1000 times.";
  if (a.ci_source === 'residuals')
    return `Intervals: from the residuals (${a.rows.length} rows, ${Object.keys(a.speeds).length} speeds).`;
  return 'Intervals: none, as many rows as kinds leave no residual to estimate them from.';
}

/** Left-aligned text columns, two spaces apart, each cell escaped before it is measured. */
function columns(cells: string[][]): string[] {
  const rows = cells.map((row) => row.map(printable));
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
}
