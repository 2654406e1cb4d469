import type {BenchResult, BenchRow, RunRecord} from '../results/result.js';
import {stepSplit, stepSplitLegend} from './step-split.js';
import {PALETTE, svgDocument, text, ticks, title} from './svg.js';

const LANE = 14;
const WIDTH = 900;
/** Width of a character of the 11 px sans-serif labels, generously. */
const CHAR = 7;

/** What every panel shares: one time axis, one colour per host, where the bars start. */
interface Layout {
  colour: (host: string) => string;
  left: number;
  axis: number[];
  scale: number;
}

/**
 * A Gantt chart of each combination's first measured run: one lane per slot, grouped by host, a bar
 * per tree (or per step's chunks, for a network, with each host's step split into computing,
 * exchange and waiting below); copies that lost a speculative race are drawn hollow, faults as red
 * marks. Every panel shares one time axis and every host keeps one colour, so panels compare at a glance.
 */
export function renderTimelineSvg(result: BenchResult): string {
  const shown = result.rows.filter((row) => row.runs[0]);
  const hosts = [...new Set(shown.flatMap((row) => row.hosts))];
  const colour = (host: string) => PALETTE[hosts.indexOf(host) % PALETTE.length];
  const left = 20 + CHAR * Math.max(10, ...hosts.map((host) => `${host} slot 00`.length));
  const axis = ticks(Math.max(1e-9, ...shown.map((row) => row.runs[0].seconds)));
  const layout: Layout = {colour, left, axis, scale: (WIDTH - left - 20) / axis.at(-1)!};
  const heading = `${result.experiment}: ${timelineCaption(result)} (first measured run of each combination)`;
  const body = [text(10, 20, heading, 'font-weight="bold"'), ...legend(10, 38, hosts, colour)];
  let y = 48;
  if (shown.some((row) => row.runs[0].steps)) {
    body.push(...stepSplitLegend(10, 56));
    y = 66;
  }
  for (const row of shown) y = panel(row, y, layout, body);
  return svgDocument(WIDTH, y + 10, body);
}

/** One combination's run below `y`, pushed onto `body`; returns where the next begins. */
function panel(row: BenchRow, y: number, layout: Layout, body: string[]): number {
  const run = row.runs[0];
  body.push(text(10, y + 18, `${row.hardware} (${run.seconds.toFixed(2)} s)`, 'font-weight="bold"'));
  const top = y + 24;
  const lanes = lanesOf(row, run);
  lanes.forEach(({host, slot}, i) => body.push(...lane(run, host, slot, top + i * LANE, layout)));
  const bottom = top + lanes.length * LANE;
  const {left, axis, scale} = layout;
  for (const fault of run.faults) {
    const x = left + fault.at * scale;
    body.push(
      `<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="red" stroke-width="2">${title(`${fault.host}: ${fault.reason}`)}</line>`,
    );
  }
  body.push(
    `<line x1="${left}" y1="${bottom}" x2="${(left + axis.at(-1)! * scale).toFixed(1)}" y2="${bottom}" stroke="black"/>`,
  );
  for (const tick of axis) {
    const x = left + tick * scale;
    body.push(
      `<line x1="${x.toFixed(1)}" y1="${bottom}" x2="${x.toFixed(1)}" y2="${bottom + 4}" stroke="black"/>`,
      text(x, bottom + 15, `${+tick.toFixed(3)} s`, 'text-anchor="middle"'),
    );
  }
  // A network's run: where each host's time in a step went, under its lanes.
  return run.steps ? stepSplit(run.steps, bottom + 20, left, WIDTH, body) : bottom + 20;
}

/** A lane per slot that trained a tree, grouped by host in the row's order. */
function lanesOf(row: BenchRow, run: RunRecord): {host: string; slot: number}[] {
  return row.hosts.flatMap((host) => {
    const slots = new Set(run.timeline.filter((entry) => entry.host === host).map((entry) => entry.slot));
    return [...slots].sort((a, b) => a - b).map((slot) => ({host, slot}));
  });
}

/** A slot's label and its bars, one per tree; a dropped copy hollow. */
function lane(run: RunRecord, host: string, slot: number, laneY: number, {colour, left, scale}: Layout): string[] {
  const body = [text(10, laneY + 10, `${host} slot ${slot}`)];
  for (const entry of run.timeline.filter((e) => e.host === host && e.slot === slot)) {
    const x = left + entry.start * scale;
    const width = Math.max(1, (entry.end - entry.start) * scale);
    const fill = entry.kept ? `fill="${colour(host)}"` : `fill="none" stroke="${colour(host)}"`;
    body.push(
      `<rect x="${x.toFixed(1)}" y="${laneY + 1}" width="${width.toFixed(1)}" height="${LANE - 3}" ${fill}>${title(`tree ${entry.index}: ${entry.start.toFixed(3)}-${entry.end.toFixed(3)} s${entry.kept ? '' : ' (dropped copy)'}`)}</rect>`,
    );
  }
  return body;
}

/** A tree kept in the forest, a dropped speculative copy, a fault; then each host's colour. */
function legend(x: number, y: number, hosts: string[], colour: (host: string) => string): string[] {
  const items = [
    `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="#888"/>`,
    text(x + 18, y, 'tree kept'),
    `<rect x="${x + 90}" y="${y - 9}" width="14" height="10" fill="none" stroke="#888"/>`,
    text(x + 108, y, 'dropped copy'),
    `<line x1="${x + 207}" y1="${y - 10}" x2="${x + 207}" y2="${y + 1}" stroke="red" stroke-width="2"/>`,
    text(x + 213, y, 'fault'),
  ];
  let at = x + 270;
  for (const host of hosts) {
    items.push(`<rect x="${at}" y="${y - 9}" width="10" height="10" fill="${colour(host)}"/>`, text(at + 14, y, host));
    at += 24 + CHAR * host.length;
  }
  return items;
}

/** What the timeline shows: a forest's slots and trees, or a network's hosts and steps. */
export function timelineCaption(result: Pick<BenchResult, 'network'>): string {
  return result.network ? 'which host computed its chunks of which step when' : 'which slot trained which tree when';
}
