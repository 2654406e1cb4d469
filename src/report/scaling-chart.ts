import {type ModelledResult, modelSeconds} from '../analyze/bench-model.js';
import type {BenchRow} from '../bench/result.js';
import {svgDocument, text, ticks, title} from './svg.js';

const WIDTH = 720;
const HEIGHT = 420;
const PAD = {left: 70, right: 170, top: 30, bottom: 50};

interface Series {
  name: string;
  colour: string;
  value: (row: BenchRow) => number | null;
  dashed?: boolean;
  /** SVG for the marker centred on x, y. */
  marker: (x: number, y: number, colour: string) => string;
}

export const SERIES: Series[] = [
  {
    name: 'measured',
    colour: '#e15759',
    value: (r) => r.measured_s,
    marker: (x, y, c) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="${c}"/>`,
  },
  {
    name: 'ideal (cores)',
    colour: '#4e79a7',
    value: (r) => r.ideal_s,
    dashed: true,
    marker: (x, y, c) =>
      `<rect x="${(x - 4).toFixed(1)}" y="${(y - 4).toFixed(1)}" width="8" height="8" fill="white" stroke="${c}" stroke-width="1.5"/>`,
  },
  {
    name: 'capacity ideal',
    colour: '#59a14f',
    value: (r) => r.capacity_ideal_s,
    dashed: true,
    marker: (x, y, c) =>
      `<path d="M${x.toFixed(1)},${(y - 5).toFixed(1)} l5,9 h-10 z" fill="white" stroke="${c}" stroke-width="1.5"/>`,
  },
];

/**
 * Measured time (whiskers: fastest to slowest run) and both ideals against cores, one point per
 * combination, each labelled. The series sit a few pixels apart so no marker hides another, and
 * combinations with the same core count get their labels stacked.
 */
export function renderScalingSvg(result: ModelledResult): string {
  const rows = result.rows;
  // The fitted capacity model's time, when the sweep could fit one: a fourth series.
  const drawn: Series[] = result.model
    ? [
        ...SERIES,
        {
          name: 'capacity model',
          colour: '#b07aa1',
          value: (r) => modelSeconds(result, r.hardware),
          dashed: true,
          marker: (x, y, c) =>
            `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="white" stroke="${c}" stroke-width="1.5"/>`,
        },
      ]
    : SERIES;
  const xTicks = ticks(Math.max(1, ...rows.map((r) => r.cores)), 5, true);
  const yTicks = ticks(Math.max(1e-9, ...rows.flatMap((r) => [r.max_s ?? 0, ...drawn.map((s) => s.value(r) ?? 0)])));
  const [xMax, yMax] = [xTicks.at(-1)!, yTicks.at(-1)!];
  const right = WIDTH - PAD.right;
  const bottom = HEIGHT - PAD.bottom;
  const x = (cores: number) => PAD.left + (cores / xMax) * (right - PAD.left);
  const y = (seconds: number) => bottom - (seconds / yMax) * (bottom - PAD.top);
  const body = [text(PAD.left, 18, `${result.experiment}: time against cores`, 'font-weight="bold"')];
  body.push(
    `<line x1="${PAD.left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${bottom}" stroke="black"/>`,
  );
  for (const tick of yTicks)
    body.push(
      text(PAD.left - 8, y(tick) + 4, String(+tick.toFixed(3)), 'text-anchor="end"'),
      `<line x1="${PAD.left - 4}" y1="${y(tick).toFixed(1)}" x2="${PAD.left}" y2="${y(tick).toFixed(1)}" stroke="black"/>`,
    );
  for (const tick of xTicks)
    body.push(
      text(x(tick), bottom + 16, String(tick), 'text-anchor="middle"'),
      `<line x1="${x(tick).toFixed(1)}" y1="${bottom}" x2="${x(tick).toFixed(1)}" y2="${bottom + 4}" stroke="black"/>`,
    );
  body.push(
    text((PAD.left + right) / 2, HEIGHT - 10, 'cores', 'text-anchor="middle"'),
    text(
      16,
      (PAD.top + bottom) / 2,
      'wall time (s)',
      `text-anchor="middle" transform="rotate(-90 16 ${(PAD.top + bottom) / 2})"`,
    ),
  );
  const offset = (i: number) => (i - (drawn.length - 1) / 2) * 7;
  drawn.forEach((series, i) => {
    const points = rows
      .filter((r) => series.value(r) !== null)
      .map((r) => [x(r.cores) + offset(i), y(series.value(r)!)] as const);
    const dash = series.dashed ? ' stroke-dasharray="5,4"' : '';
    if (points.length > 1)
      body.push(
        `<polyline fill="none" stroke="${series.colour}" stroke-width="1.5"${dash} points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}"/>`,
      );
    const legendY = PAD.top + 10 + i * 18;
    body.push(
      `<line x1="${right + 10}" y1="${legendY}" x2="${right + 34}" y2="${legendY}" stroke="${series.colour}" stroke-width="1.5"${dash}/>`,
      series.marker(right + 22, legendY, series.colour),
      text(right + 40, legendY + 4, series.name),
    );
  });
  rows.forEach((row) => {
    if (row.min_s !== null && row.max_s !== null) {
      const px = (x(row.cores) + offset(0)).toFixed(1);
      body.push(
        `<line x1="${px}" y1="${y(row.min_s).toFixed(1)}" x2="${px}" y2="${y(row.max_s).toFixed(1)}" stroke="${SERIES[0].colour}">${title(`fastest to slowest run: ${row.min_s.toFixed(2)}-${row.max_s.toFixed(2)} s`)}</line>`,
      );
    }
  });
  // Markers after lines, so no line crosses a marker.
  drawn.forEach((series, i) => {
    for (const row of rows) {
      const value = series.value(row);
      if (value !== null) body.push(series.marker(x(row.cores) + offset(i), y(value), series.colour));
    }
  });
  const sameCores = new Map<number, number>();
  for (const row of rows) {
    const stacked = sameCores.get(row.cores) ?? 0;
    sameCores.set(row.cores, stacked + 1);
    const anchor = row.measured_s ?? row.ideal_s ?? 0;
    body.push(
      text(
        x(row.cores) + 16,
        y(anchor) + 4 + stacked * 13,
        `${row.hardware}${row.measured_s === null ? ' (failed)' : ''}`,
        'font-size="10"',
      ),
    );
  }
  return svgDocument(WIDTH, HEIGHT, body);
}
