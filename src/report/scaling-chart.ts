import type {BenchResult, BenchRow} from '../bench/result.js';
import {escapeXml, svgDocument, text, ticks} from './svg.js';

const WIDTH = 640;
const HEIGHT = 400;
const PAD = {left: 60, right: 150, top: 30, bottom: 45};

interface Series {
  name: string;
  colour: string;
  value: (row: BenchRow) => number | null;
  dashed?: boolean;
}

export const SERIES: Series[] = [
  {name: 'measured', colour: '#e15759', value: (r) => r.measured_s},
  {name: 'ideal (cores)', colour: '#4e79a7', value: (r) => r.ideal_s, dashed: true},
  {name: 'capacity ideal', colour: '#59a14f', value: (r) => r.capacity_ideal_s, dashed: true},
];

/** Measured time and both ideals against cores, one point per combination. */
export function renderScalingSvg(result: BenchResult): string {
  const rows = result.rows;
  const maxCores = Math.max(...rows.map((r) => r.cores));
  const maxSeconds = Math.max(1e-9, ...rows.flatMap((r) => SERIES.map((s) => s.value(r) ?? 0)));
  const x = (cores: number) => PAD.left + (cores / maxCores) * (WIDTH - PAD.left - PAD.right);
  const y = (seconds: number) => HEIGHT - PAD.bottom - (seconds / maxSeconds) * (HEIGHT - PAD.top - PAD.bottom);
  const body = [text(PAD.left, 18, `${result.experiment}: time against cores`, 'font-weight="bold"')];
  body.push(`<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="black"/>`, `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="black"/>`);
  for (const tick of ticks(maxSeconds)) body.push(text(8, y(tick) + 4, `${+tick.toFixed(2)} s`), `<line x1="${PAD.left - 4}" y1="${y(tick).toFixed(1)}" x2="${PAD.left}" y2="${y(tick).toFixed(1)}" stroke="black"/>`);
  for (const row of rows) body.push(text(x(row.cores) - 4, HEIGHT - PAD.bottom + 15, String(row.cores)));
  body.push(text((WIDTH - PAD.right) / 2, HEIGHT - 8, 'cores'));
  SERIES.forEach((series, i) => {
    const points = rows.filter((r) => series.value(r) !== null).map((r) => [x(r.cores), y(series.value(r)!)] as const);
    const dash = series.dashed ? ' stroke-dasharray="5,4"' : '';
    if (points.length > 1) body.push(`<polyline fill="none" stroke="${series.colour}" stroke-width="2"${dash} points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`);
    for (const [px, py] of points) body.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${series.colour}"/>`);
    const legendY = PAD.top + 10 + i * 18;
    body.push(`<line x1="${WIDTH - PAD.right + 10}" y1="${legendY}" x2="${WIDTH - PAD.right + 30}" y2="${legendY}" stroke="${series.colour}" stroke-width="2"${dash}/>`, text(WIDTH - PAD.right + 35, legendY + 4, escapeXml(series.name)));
  });
  return svgDocument(WIDTH, HEIGHT, body);
}
