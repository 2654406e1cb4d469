/**
 * How close each fit of `cluster analyze` comes to known speeds: 2,000 seeded tables of a ten-row
 * sweep of three kinds (speeds 1, 3, 0.5), every time with 1% normal noise. Accuracy, not speed.
 * Run with `npm run build && node dist/benchmarks/analyze-noise.js`.
 */
import {FIT_METHODS} from '../src/results/capacity/fit.js';
import {parseHardware} from '../src/results/hardware.js';
import {fitModel} from '../src/results/capacity/model.js';
import {readResultsCsv} from '../src/analyze/read-table.js';
import {Random} from '../src/data/random.js';

const SWEEP = [
  '1 x pi',
  '1 x desktop',
  '1 x laptop',
  '2 x pi',
  '1 x pi, 1 x desktop',
  '1 x pi, 1 x laptop',
  '1 x desktop, 1 x laptop',
  '2 x pi, 1 x desktop, 1 x laptop',
  '4 x pi, 1 x desktop, 1 x laptop',
  '3 x pi, 2 x desktop',
];
const SPEEDS: Record<string, number> = {pi: 1, desktop: 3, laptop: 0.5};
const TABLES = 2000;
const seconds = (hardware: string) =>
  600 / [...parseHardware(hardware)].reduce((sum, [kind, count]) => sum + count * SPEEDS[kind], 0);

for (const method of FIT_METHODS) {
  const errors: Record<string, number[]> = {desktop: [], laptop: []};
  for (let seed = 1; seed <= TABLES; seed++) {
    const random = new Random(seed);
    const csv = `hardware,measured_s\n${SWEEP.map((hardware) => `"${hardware}",${seconds(hardware) * (1 + 0.01 * random.normal())}`).join('\n')}\n`;
    const model = fitModel(readResultsCsv(csv, 'sweep.csv'), method);
    model.kinds.forEach((kind, k) => errors[kind]?.push(Math.abs(model.speeds[k] / SPEEDS[kind] - 1)));
  }
  const summary = Object.entries(errors).map(([kind, list]) => {
    const sorted = list.sort((a, b) => a - b);
    return `${kind} 95% within ${(sorted[Math.floor(0.95 * sorted.length)] * 100).toFixed(1)}%, worst ${(sorted[sorted.length - 1] * 100).toFixed(1)}%`;
  });
  console.log(`--fit ${method}: ${summary.join('; ')}`);
}
