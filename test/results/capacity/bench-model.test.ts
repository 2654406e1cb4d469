import test from 'ava';
import {withModel} from '../../../src/results/capacity/bench-model.js';
import type {BenchResult} from '../../../src/results/result.js';
import {parseHardware} from '../../../src/results/hardware.js';
import {renderModelMarkdown} from '../../../src/report/analysis-markdown.js';
import {renderScalingSvg} from '../../../src/report/scaling-chart.js';

/** A finished sweep as `cluster bench` returns it, with only what the model and the reports read. */
function sweep(rows: {hardware: string; hosts: string[]; cores: number; seconds: number[]}[]): BenchResult {
  return {
    id: 'x-small',
    experiment: 'small',
    baseline: rows[0].hosts,
    calibration: {},
    schedule: 'dynamic',
    forest: {trees: 10, seed: 0, trainer: 'native', maxFeatures: 'sqrt'},
    dataset: {description: 'synthetic', rows: 1, trainRows: 1, testRows: 1, features: 1, classes: 2, hash: ''},
    machine: {hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', node: 'v20'},
    rows: rows.map((row) => ({
      ...row,
      // The kinds a sweep counts from its hosts, here from the cell the test writes.
      kinds: Object.fromEntries(parseHardware(row.hardware)),
      ideal_s: null,
      measured_s: [...row.seconds].sort((a, b) => a - b)[1],
      min_s: Math.min(...row.seconds),
      max_s: Math.max(...row.seconds),
      scalability: null,
      capacity_ideal_s: null,
      efficiency: null,
      accuracy: 0.9,
      status: 'ok' as const,
      runs: row.seconds.map((seconds) => ({seconds, accuracy: 0.9, hosts: [], faults: [], timeline: []})),
      warmup: [],
    })),
  } as unknown as BenchResult;
}

test('a sweep that separates its kinds gets a model in its JSON, its Markdown and its chart', (t) => {
  const result = withModel(
    sweep([
      {hardware: '1 x pi', hosts: ['pi1'], cores: 4, seconds: [99, 100, 101]},
      {hardware: '1 x pi, 1 x desktop', hosts: ['pi1', 'desktop'], cores: 11, seconds: [24.9, 25, 25.1]},
      {hardware: '2 x pi, 1 x desktop', hosts: ['pi1', 'pi2', 'desktop'], cores: 15, seconds: [19.9, 20, 20.1]},
    ]),
  );
  t.is(result.model!.speeds.desktop.toFixed(2), '3.00');
  t.is(result.model!.ci_source, 'runs');
  t.deepEqual(result.model!.cores, {pi: 4, desktop: 7});
  t.true(
    JSON.parse(JSON.stringify(result)).model.rows.every((row: {residual: number}) => Math.abs(row.residual) < 0.01),
  );
  const markdown = `\n${renderModelMarkdown(result.model!, 'x-small.json').join('\n')}`;
  t.regex(
    markdown,
    /\n## Capacity model\n\nTime = work \/ sum of the hosts' speeds, one speed per kind of host, fitted to the relative errors of the times; work 100\.00 s on one pi host\. `cluster analyze x-small\.json`, run where bench ran, says more/,
  );
  t.regex(markdown, /^\| desktop \| 3\.000 \| \d\.\d{3} to \d\.\d{3} \| 1\.71 \|$/m);
  t.regex(renderScalingSvg(result), /<polyline fill="none" stroke="#b07aa1"[^>]*\/>[\s\S]*capacity model<\/text>/);
});

test('a sweep that cannot separate its kinds gets model null, and reports without it', (t) => {
  const result = withModel(
    sweep([{hardware: '1 x pi, 1 x desktop', hosts: ['pi1', 'desktop'], cores: 11, seconds: [24.9, 25, 25.1]}]),
  );
  t.is(result.model, null);
  t.false(renderScalingSvg(result).includes('capacity model'));
});
