import type {HostSteps} from '../coordinator/run.js';
import {text, title} from './svg.js';

const BAR = 12;
const COMPUTE = '#4e79a7';
const EXCHANGE = '#f28e2b';
const WAIT = '#bab0ac';

/**
 * A network's step as each host spent it, means per step: one bar per host, computing its chunks,
 * then the exchange of gradients, then waiting for the slowest host, on one milliseconds axis
 * for the panel, with the bytes the host sent and received per step. Pushed onto `body` below `y`;
 * returns where the next block begins.
 */
export function stepSplit(steps: readonly HostSteps[], y: number, left: number, width: number, body: string[]): number {
  const total = (host: HostSteps) => host.computeSeconds + host.exchangeSeconds + host.waitSeconds;
  const longest = Math.max(1e-9, ...steps.map(total));
  const scale = (width - 200) / longest;
  body.push(text(10, y + 12, 'a step, per host: computing, exchange, waiting for the slowest (mean)'));
  let top = y + 18;
  for (const host of steps) {
    let x = left;
    body.push(text(10, top + 10, host.host));
    for (const [seconds, colour, what] of [
      [host.computeSeconds, COMPUTE, 'computing'],
      [host.exchangeSeconds, EXCHANGE, 'exchange'],
      [host.waitSeconds, WAIT, 'waiting'],
    ] as const) {
      const w = seconds * scale;
      body.push(
        `<rect x="${x.toFixed(1)}" y="${top}" width="${Math.max(0, w).toFixed(1)}" height="${BAR}" fill="${colour}">${title(`${host.host}: ${what} ${(seconds * 1000).toFixed(2)} ms a step`)}</rect>`,
      );
      x += w;
    }
    const label = `${(total(host) * 1000).toFixed(1)} ms, ${kilobytes(host.bytesPerStep)} a step`;
    body.push(text(x + 6, top + 10, label));
    top += BAR + 4;
  }
  return top + 4;
}

/** The three colours of a step's bar, for the chart's legend. */
export function stepSplitLegend(x: number, y: number): string[] {
  return [
    [COMPUTE, 'computing'],
    [EXCHANGE, 'exchange'],
    [WAIT, 'waiting'],
  ].flatMap(([colour, what], i) => [
    `<rect x="${x + i * 90}" y="${y - 9}" width="14" height="10" fill="${colour}"/>`,
    text(x + i * 90 + 18, y, what),
  ]);
}

function kilobytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}
