import {type ModelledResult, modelSeconds} from '../results/capacity/bench-model.js';
import type {BenchRow} from '../results/result.js';
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

/** Where a chart's values land: x by cores, y by seconds, and the ticks of both axes. */
interface Frame {
  xTicks: number[];
  yTicks: number[];
  right: number;
  bottom: number;
  x: (cores: number) => number;
  y: (seconds: number) => number;
  /** The few pixels series i sits apart from the others, so no marker hides another. */
  offset: (i: number) => number;
}

/**
 * Measured time (whiskers: fastest to slowest run) and both ideals against cores, one point per
 * combination, each labelled. The series sit a few pixels apart so no marker hides another, and
 * combinations with the same core count get their labels stacked.
 */
export function renderScalingSvg(result: ModelledResult): string {
  const drawn = seriesOf(result);
  const frame = frameFor(result.rows, drawn);
  const body = [
    text(PAD.left, 18, `${result.experiment}: time against cores`, 'font-weight="bold"'),
    ...axes(frame),
    ...drawn.flatMap((series, i) => seriesLine(result.rows, series, i, frame)),
    ...whiskers(result.rows, frame),
    // Markers after lines, so no line crosses a marker.
    ...drawn.flatMap((series, i) => markers(result.rows, series, i, frame)),
    ...labels(result.rows, frame),
  ];
  return svgDocument(WIDTH, HEIGHT, body);
}

/** The fitted capacity model's time, when the sweep could fit one: a fourth series. */
function seriesOf(result: ModelledResult): Series[] {
  if (!result.model) return SERIES;
  return [
    ...SERIES,
    {
      name: 'capacity model',
      colour: '#b07aa1',
      value: (r) => modelSeconds(result, r.hardware),
      dashed: true,
      marker: (x, y, c) =>
        `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="white" stroke="${c}" stroke-width="1.5"/>`,
    },
  ];
}

function frameFor(rows: readonly BenchRow[], drawn: Series[]): Frame {
  const xTicks = ticks(Math.max(1, ...rows.map((r) => r.cores)), 5, true);
  const yTicks = ticks(Math.max(1e-9, ...rows.flatMap((r) => [r.max_s ?? 0, ...drawn.map((s) => s.value(r) ?? 0)])));
  const [xMax, yMax] = [xTicks.at(-1)!, yTicks.at(-1)!];
  const right = WIDTH - PAD.right;
  const bottom = HEIGHT - PAD.bottom;
  return {
    xTicks,
    yTicks,
    right,
    bottom,
    x: (cores) => PAD.left + (cores / xMax) * (right - PAD.left),
    y: (seconds) => bottom - (seconds / yMax) * (bottom - PAD.top),
    offset: (i) => (i - (drawn.length - 1) / 2) * 7,
  };
}

/** Both axes with their ticks and names. */
function axes({xTicks, yTicks, right, bottom, x, y}: Frame): string[] {
  const body = [
    `<line x1="${PAD.left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${bottom}" stroke="black"/>`,
  ];
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
  const middle = (PAD.top + bottom) / 2;
  body.push(
    text((PAD.left + right) / 2, HEIGHT - 10, 'cores', 'text-anchor="middle"'),
    text(16, middle, 'wall time (s)', `text-anchor="middle" transform="rotate(-90 16 ${middle})"`),
  );
  return body;
}

/** A series' line through its points, and its entry in the legend. */
function seriesLine(rows: readonly BenchRow[], series: Series, i: number, {right, x, y, offset}: Frame): string[] {
  const points = rows
    .filter((r) => series.value(r) !== null)
    .map((r) => [x(r.cores) + offset(i), y(series.value(r)!)] as const);
  const dash = series.dashed ? ' stroke-dasharray="5,4"' : '';
  const body: string[] = [];
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
  return body;
}

/** Fastest to slowest run of each combination, on the measured series. */
function whiskers(rows: readonly BenchRow[], {x, y, offset}: Frame): string[] {
  return rows.flatMap((row) => {
    if (row.min_s === null || row.max_s === null) return [];
    const px = (x(row.cores) + offset(0)).toFixed(1);
    return [
      `<line x1="${px}" y1="${y(row.min_s).toFixed(1)}" x2="${px}" y2="${y(row.max_s).toFixed(1)}" stroke="${SERIES[0].colour}">${title(`fastest to slowest run: ${row.min_s.toFixed(2)}-${row.max_s.toFixed(2)} s`)}</line>`,
    ];
  });
}

function markers(rows: readonly BenchRow[], series: Series, i: number, {x, y, offset}: Frame): string[] {
  const body: string[] = [];
  for (const row of rows) {
    const value = series.value(row);
    if (value !== null) body.push(series.marker(x(row.cores) + offset(i), y(value), series.colour));
  }
  return body;
}

/** Each combination's name beside its measured point; those with the same core count stacked. */
function labels(rows: readonly BenchRow[], {x, y}: Frame): string[] {
  const sameCores = new Map<number, number>();
  return rows.map((row) => {
    const stacked = sameCores.get(row.cores) ?? 0;
    sameCores.set(row.cores, stacked + 1);
    const anchor = row.measured_s ?? row.ideal_s ?? 0;
    return text(
      x(row.cores) + 16,
      y(anchor) + 4 + stacked * 13,
      `${row.hardware}${row.measured_s === null ? ' (failed)' : ''}`,
      'font-size="10"',
    );
  });
}
