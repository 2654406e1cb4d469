import type {BenchResult} from '../bench/result.js';
import {PALETTE, svgDocument, text, ticks} from './svg.js';

const LANE = 14;
const LEFT = 150;
const WIDTH = 900;

/**
 * A Gantt chart of each combination's first measured run: one lane per slot, grouped by host, a bar
 * per tree; copies that lost a speculative race are drawn hollow, faults as red marks.
 */
export function renderTimelineSvg(result: BenchResult): string {
  const body: string[] = [];
  let y = 20;
  body.push(text(10, y, `${result.experiment}: which slot trained which tree when (first measured run of each combination)`, 'font-weight="bold"'));
  y += 16;
  for (const row of result.rows) {
    const run = row.runs[0];
    if (!run) continue;
    const lanes = row.hosts.flatMap((host) => {
      const slots = new Set(run.timeline.filter((entry) => entry.host === host).map((entry) => entry.slot));
      return [...slots].sort((a, b) => a - b).map((slot) => ({host, slot}));
    });
    const scale = (WIDTH - LEFT - 20) / Math.max(run.seconds, 1e-9);
    y += 18;
    body.push(text(10, y, `${row.hardware} (${run.seconds.toFixed(2)} s)`, 'font-weight="bold"'));
    y += 6;
    const top = y;
    lanes.forEach(({host, slot}, i) => {
      const laneY = top + i * LANE;
      const colour = PALETTE[row.hosts.indexOf(host) % PALETTE.length];
      body.push(text(10, laneY + 10, `${host} slot ${slot}`));
      for (const entry of run.timeline.filter((e) => e.host === host && e.slot === slot)) {
        const x = LEFT + entry.start * scale;
        const width = Math.max(1, (entry.end - entry.start) * scale);
        const fill = entry.kept ? `fill="${colour}"` : `fill="none" stroke="${colour}"`;
        body.push(`<rect x="${x.toFixed(1)}" y="${laneY + 1}" width="${width.toFixed(1)}" height="${LANE - 3}" ${fill}><title>tree ${entry.index}: ${entry.start.toFixed(3)}-${entry.end.toFixed(3)} s${entry.kept ? '' : ' (dropped copy)'}</title></rect>`);
      }
    });
    const bottom = top + lanes.length * LANE;
    for (const fault of run.faults) {
      const x = LEFT + fault.at * scale;
      body.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="red" stroke-width="2"><title>${fault.host}: ${fault.reason}</title></line>`);
    }
    for (const tick of ticks(run.seconds)) {
      const x = LEFT + tick * scale;
      body.push(`<line x1="${x.toFixed(1)}" y1="${bottom}" x2="${x.toFixed(1)}" y2="${bottom + 4}" stroke="black"/>`, text(x - 6, bottom + 15, `${+tick.toFixed(3)} s`));
    }
    y = bottom + 20;
  }
  return svgDocument(WIDTH, y + 10, body);
}
