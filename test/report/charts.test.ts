import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import type {BenchResult, BenchRow} from '../../src/results/result.js';
import {renderScalingSvg} from '../../src/report/scaling-chart.js';
import {ticks} from '../../src/report/svg.js';
import {renderTerminalChart} from '../../src/report/terminal-chart.js';
import {renderTimelineSvg} from '../../src/report/timeline-chart.js';
import {folderWith} from '../helpers/files.js';

const row = (hardware: string, hosts: string[], cores: number, measured: number, runSeconds: number): BenchRow => ({
  engine: 'native',
  hardware,
  kinds: {},
  hosts,
  cores,
  ideal_s: 10 / cores,
  measured_s: measured,
  min_s: measured - 0.1,
  max_s: measured + 0.2,
  scalability: 10 / cores / measured,
  capacity_ideal_s: measured * 0.9,
  efficiency: 0.9,
  accuracy: 0.9,
  status: 'ok',
  mean_s: measured,
  stddev_s: 0.1,
  median_s: measured,
  cv: 0.01,
  ci95_s: [measured - 0.1, measured + 0.1],
  scalability_ci95: null,
  efficiency_ci95: null,
  calibrated_capacity_ideal_s: null,
  calibrated_efficiency: null,
  warnings: [],
  warmup: [],
  runs: [
    {
      seconds: runSeconds,
      accuracy: 0.9,
      faults: [],
      hosts: [],
      timeline: hosts.map((host, i) => ({host, slot: 0, index: i, start: 0, end: runSeconds / 2, kept: true})),
    },
  ],
});
const result = {
  experiment: 'paper',
  rows: [
    row('rpi', ['rpi1'], 4, 10, 10),
    row('desktop', ['desktop'], 4, 3.9, 3.9),
    row('rpi, desktop', ['rpi1', 'a-very-long-host-name'], 8, 4.1, 4.1),
  ],
} as unknown as BenchResult;

test('axis ticks cover the data; whole ticks for counts', (t) => {
  t.deepEqual(ticks(10.2), [0, 5, 10, 15]);
  t.deepEqual(ticks(9.5), [0, 2, 4, 6, 8, 10]);
  t.deepEqual(ticks(2, 5, true), [0, 1, 2]);
});

test('the scaling chart labels every combination, even two with the same cores, and titles its axes with units', (t) => {
  const svg = renderScalingSvg(result);
  for (const label of [
    '>rpi<',
    '>desktop<',
    '>rpi, desktop<',
    '>cores<',
    '>wall time (s)<',
    '>measured<',
    '>ideal (cores)<',
    '>capacity ideal<',
  ])
    t.true(svg.includes(label), label);
  t.true(svg.includes('>15<'), 'the time axis reaches past the slowest run, 10.2 s');
  const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" font-size="10">/g)].map((m) => `${m[1]},${m[2]}`);
  t.is(new Set(labels).size, 3, 'no two labels in the same place');
});

test('the timeline: one time axis for every panel, a legend, one colour per host, labels as wide as the longest name', (t) => {
  const svg = renderTimelineSvg(result);
  for (const label of ['tree kept', 'dropped copy', 'fault']) t.true(svg.includes(`>${label}<`), label);
  t.is([...svg.matchAll(/>10 s<\/text>/g)].length, 3, "the 10 s tick under each panel, the 3.9 s run's too");
  const fills = [...svg.matchAll(/height="11" fill="(#\w+)"><title>tree (\d)/g)].map((m) => `${m[2]}:${m[1]}`);
  // Trees 0 are rpi1's in the first and third panels, desktop's in the second; tree 1 the long-named host's.
  t.deepEqual(
    fills,
    ['0:#4e79a7', '0:#f28e2b', '0:#4e79a7', '1:#59a14f'],
    'one colour per host, the same in every panel',
  );
  const bar = /<rect x="([\d.]+)" y="\d+" width="[\d.]+" height="11"/.exec(svg)!;
  t.true(Number(bar[1]) >= 10 + 7 * 'a-very-long-host-name slot 00'.length, 'bars start after the longest label');
});

test('the terminal chart titles its time axis and labels zero', (t) => {
  const chart = renderTerminalChart(result);
  t.regex(chart, /^ +time \(s\)$/m);
  t.regex(chart, /^ +0 │/m);
});

// A host name, a label or a fault's reason comes from outside: neither chart may hold a character XML forbids, nor raw markup.
const HOSTILE = 'ev\u001b[31mil\u0007 <script>&amp;"\'\ud800\uffff\u009b';
const hostile = {
  experiment: `paper${HOSTILE}`,
  rows: [
    {
      ...row(`rpi${HOSTILE}`, [`rpi1${HOSTILE}`], 4, 10, 10),
      runs: [
        {
          ...row('x', [`rpi1${HOSTILE}`], 4, 10, 10).runs[0],
          faults: [{host: `rpi1${HOSTILE}`, reason: `exited${HOSTILE}`, at: 1, message: HOSTILE}],
        },
      ],
    },
  ],
} as unknown as BenchResult;

for (const [name, render] of [
  ['timeline', renderTimelineSvg],
  ['scaling', renderScalingSvg],
] as const) {
  test(`the ${name} chart is well-formed XML whatever the host names, labels and faults hold`, async (t) => {
    const svg = render(hostile);
    // XML 1.0's Char production: tab, newline, CR and U+0020 on, without surrogates' halves alone, U+FFFE and U+FFFF.
    t.false(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(svg), "no character outside XML's Char");
    t.false(svg.includes('<script>'), 'no raw markup');
    const file = join(folderWith(), `${name}.svg`);
    writeFileSync(file, svg);
    const parsed = await execa(
      '/usr/bin/python3',
      ['-c', 'import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1]); print("ok")', file],
      {reject: false},
    );
    t.is(parsed.stdout, 'ok', parsed.stderr);
    t.true(
      svg.includes('ev\\x1b[31mil\\x07 &lt;script&gt;&amp;amp;&quot;&apos;\\u{d800}\\u{ffff}\\x9b'),
      'shown as escapes',
    );
  });
}

test("a network's timeline splits each host's step into computing, exchange and waiting, with its bytes", (t) => {
  const base = row('rpi1, desktop', ['rpi1', 'desktop'], 2, 4, 4);
  const steps = [
    {host: 'rpi1', steps: 72, computeSeconds: 0.03, exchangeSeconds: 0.002, waitSeconds: 0, bytesPerStep: 203_840},
    {
      host: 'desktop',
      steps: 72,
      computeSeconds: 0.01,
      exchangeSeconds: 0.002,
      waitSeconds: 0.02,
      bytesPerStep: 203_840,
    },
  ];
  const network = {
    ...result,
    network: {layers: [16]},
    rows: [{...base, runs: [{...base.runs[0], steps}]}],
  } as unknown as BenchResult;
  const svg = renderTimelineSvg(network);
  for (const label of ['computing', 'exchange', 'waiting']) t.true(svg.includes(`>${label}<`), label);
  t.true(svg.includes('>32.0 ms, 203.8 kB a step<'), "rpi1's step, all of it computing but the exchange");
  t.true(svg.includes('desktop: waiting 20.00 ms a step'));
  const widths = [...svg.matchAll(/width="([\d.]+)" height="12" fill="#4e79a7"><title>(\w+): computing/g)].map((m) => [
    m[2],
    Number(m[1]),
  ]);
  t.is(widths.length, 2);
  t.true(Math.abs((widths[0][1] as number) / (widths[1][1] as number) - 3) < 0.01, 'computing bars to one scale');
  t.false(renderTimelineSvg(result).includes('>computing<'), "a forest's timeline has no step split");
});

test("the terminal chart's cores: '1 core', '4 cores'", (t) => {
  const chart = renderTerminalChart({
    experiment: 'paper',
    rows: [row('rpi', ['rpi1'], 1, 10, 10), row('desktop', ['desktop'], 4, 3.9, 3.9)],
  } as unknown as BenchResult);
  t.regex(chart, /^ {11}1 core +4 cores +\(cores\)$/m);
});
