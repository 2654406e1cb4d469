import test from 'ava';
import {analyzeTable} from '../../../src/results/capacity/analyze.js';
import type {FitMethod} from '../../../src/results/capacity/fit.js';
import {formatCounts, parseHardware} from '../../../src/results/hardware.js';
import {fitModel, predictSeconds} from '../../../src/results/capacity/model.js';
import {readResultsCsv} from '../../../src/analyze/read-table.js';
import {observeBench} from '../../../src/analyze/read-json.js';
import {Random} from '../../../src/data/random.js';
import {InputError} from '../../../src/errors.js';
import type {ObservedTable} from '../../../src/results/capacity/observation.js';

const PAPER = `hardware,cores,measured_s
1 x Raspberry Pi,4,901
"1 x Raspberry Pi, 1 x Desktop",11,237
"2 x Raspberry Pi, 1 x Desktop",15,181
"3 x Raspberry Pi, 1 x Desktop",19,152
"4 x Raspberry Pi, 1 x Desktop",23,134
"4 x Raspberry Pi, 1 x Desktop, 1 x Laptop",30,124
`;

/** A results CSV of these combinations, timed by `work / sum of speeds`, each time times (1 + noise x a standard normal). */
function sweep(speeds: Record<string, number>, work: number, combinations: string[], noise = 0, seed = 1): string {
  const random = new Random(seed);
  const lines = combinations.map(
    (hardware) =>
      `"${hardware}",${(trueSeconds(speeds, work, hardware) * (1 + noise * random.normal())).toPrecision(12)}`,
  );
  return `hardware,measured_s\n${lines.join('\n')}\n`;
}

function trueSeconds(speeds: Record<string, number>, work: number, hardware: string): number {
  return work / [...parseHardware(hardware)].reduce((sum, [kind, count]) => sum + count * speeds[kind], 0);
}

const within = (actual: number, expected: number, tolerance: number) =>
  Math.abs(actual - expected) <= tolerance * Math.abs(expected);

// A sweep that separates every kind: each alone, in pairs, and in larger mixes.
const RICH = [
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
const UNMEASURED = ['8 x pi', '2 x laptop', '6 x pi, 2 x desktop, 1 x laptop', '1 x pi, 3 x desktop, 4 x laptop'];

const recovers = test.macro({
  exec(t, method: FitMethod, speeds: Record<string, number>, combinations: string[]) {
    const model = fitModel(readResultsCsv(sweep(speeds, 600, combinations), 'sweep.csv'), method);
    model.kinds.forEach((kind, k) =>
      t.true(within(model.speeds[k], speeds[kind] / speeds[model.baseKind], 1e-9), `${kind}: ${model.speeds[k]}`),
    );
    t.true(within(model.workSeconds, 600 / speeds[model.baseKind], 1e-9));
  },
  title: (_, method, speeds) => `${method}: recovers the speeds ${JSON.stringify(speeds)} from a table made with them`,
});

for (const method of ['relative', 'rates'] as const) {
  test(recovers, method, {pi: 1, desktop: 3, laptop: 0.5}, RICH);
  test(recovers, method, {pi: 2, desktop: 0.7, laptop: 11}, RICH);
  test(recovers, method, {'raspberry-pi': 1, desktop: 2.99, laptop: 0.46}, [
    '1 x raspberry-pi',
    '1 x raspberry-pi, 1 x desktop',
    '2 x raspberry-pi, 1 x desktop',
    '4 x raspberry-pi, 1 x desktop, 1 x laptop',
  ]);
  test(recovers, method, {'local-a': 1, 'local-b': 0.8}, ['local-a', 'local-a, local-b', 'local-b']);
}

test("with 1% noise, 50 tables: every speed, and every unmeasured combination's time, within 5% of the truth", (t) => {
  const speeds = {pi: 1, desktop: 3, laptop: 0.5};
  let worst = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const table = readResultsCsv(sweep(speeds, 600, RICH, 0.01, seed), 'noisy.csv');
    const model = fitModel(table, 'relative');
    model.kinds.forEach(
      (kind, k) => (worst = Math.max(worst, Math.abs(model.speeds[k] / speeds[kind as keyof typeof speeds] - 1))),
    );
    for (const hardware of UNMEASURED) {
      const error = Math.abs(predictSeconds(model, parseHardware(hardware))! / trueSeconds(speeds, 600, hardware) - 1);
      t.true(error < 0.05, `seed ${seed}, ${hardware}: ${error}`);
    }
  }
  t.true(worst < 0.05, `worst speed error ${worst}`);
});

test("the paper's Table I, least squares on the rates: desktop 2.99 and laptop 0.46 Pis, the issue's predictions", (t) => {
  const analysis = analyzeTable(readResultsCsv(PAPER, 'paper.csv'), {fit: 'rates'});
  t.is(analysis.base_kind, 'raspberry-pi');
  t.true(within(analysis.speeds.desktop, 2.99, 0.02), String(analysis.speeds.desktop));
  t.true(within(analysis.speeds.laptop, 0.46, 0.02), String(analysis.speeds.laptop));
  t.deepEqual(
    analysis.rows.map((row) => Math.round(row.predicted_s!)),
    [923, 231, 185, 154, 132, 124],
  );
  t.deepEqual(analysis.cores, {'raspberry-pi': 4, desktop: 7, laptop: 7});
  t.is(analysis.per_core!.desktop.toFixed(2), '1.71');
  t.is(analysis.per_core!.laptop.toFixed(2), '0.26');
});

test("the paper's Table I, relative errors: every row within 2.4%, no warning, intervals from the residuals", (t) => {
  const analysis = analyzeTable(readResultsCsv(PAPER, 'paper.csv'), {fit: 'relative'});
  t.is(analysis.speeds.desktop.toFixed(2), '2.86');
  t.is(analysis.speeds.laptop.toFixed(2), '0.40');
  t.true(analysis.rows.every((row) => Math.abs(row.residual!) < 0.024));
  t.deepEqual(analysis.warnings, []);
  t.is(analysis.ci_source, 'residuals');
  const [low, high] = analysis.speeds_ci95.desktop!;
  t.true(low < analysis.speeds.desktop && analysis.speeds.desktop < high);
  t.deepEqual(analysis.speeds_ci95['raspberry-pi'], [1, 1]);
});

test("--predict and --next on the paper's table", (t) => {
  const analysis = analyzeTable(readResultsCsv(PAPER, 'paper.csv'), {
    fit: 'rates',
    predict: ['3 x raspberry-pi, 2 x desktop'],
    next: true,
  });
  const [prediction] = analysis.predictions;
  t.is(prediction.hardware, '3 x raspberry-pi, 2 x desktop');
  t.is(prediction.cores, 26);
  t.is(prediction.predicted_s!.toFixed(1), (analysis.work_s / (3 + 2 * analysis.speeds.desktop)).toFixed(1));
  t.is(prediction.scalability!.toFixed(3), ((901 * 4) / 26 / prediction.predicted_s!).toFixed(3));
  t.is(analysis.next!.hardware, '4 x Raspberry Pi, 1 x Desktop, 1 x Laptop');
  const saved = Object.fromEntries(analysis.next!.add.map((h) => [h.kind, h.saved_s!.toFixed(1)]));
  t.deepEqual(saved, {'raspberry-pi': '14.7', desktop: '35.5', laptop: '7.1'});
});

test('a kind that never appears without another in the same proportion is refused, naming both', (t) => {
  const table = readResultsCsv(
    'hardware,measured_s\n"1 x pi, 1 x fan",100\n"2 x pi, 2 x fan",50\n1 x gpu,30\n',
    'tied.csv',
  );
  t.throws(() => fitModel(table, 'relative'), {
    message:
      'tied.csv: hardware: the speeds of pi and fan cannot be told apart: they never appear without each other in the same proportion (add a row where their counts differ, e.g. one of them alone)',
  });
});

test('fewer rows than kinds is refused', (t) => {
  const table = readResultsCsv('hardware,measured_s\n"1 x pi, 1 x desktop",100\n1 x laptop,30\n', 'short.csv');
  t.throws(() => fitModel(table, 'relative'), {
    message:
      'short.csv: measured_s: 3 kinds of host (pi, desktop, laptop) but only 2 row(s) with a time (the model needs at least one row per kind: add rows)',
  });
});

// A sweep's own result reaches the fit without the file readers' checks: a fit that under- or
// overflows there was an internal error (1e-160: "singular matrix") or printed NaN speeds (1e160).
// (The rates fit works on 1 / time, which stays finite for these.)
for (const seconds of [1e-160, 1e160]) {
  test(`a table of ${seconds} s that the relative fit cannot handle is bad input, not NaN or a bug`, (t) => {
    const result = {
      rows: [
        {hardware: '1 x pi', measured_s: seconds, status: 'ok', runs: []},
        {hardware: '2 x pi', measured_s: seconds, status: 'ok', runs: []},
      ],
    } as unknown as Parameters<typeof observeBench>[0];
    t.throws(() => fitModel(observeBench(result, 'r.json'), 'relative'), {
      instanceOf: InputError,
      message: `r.json: measured_s: the times cannot be fitted: ${seconds} s is ${seconds < 1 ? 'shorter' : 'longer'} than any time the model can fit (write a time in seconds from 1e-6 (a microsecond) to 1e9 (32 years))`,
    });
  });
}

test('an unknown kind in --predict is refused, naming the kinds the table has', (t) => {
  t.throws(() => analyzeTable(readResultsCsv(PAPER, 'paper.csv'), {fit: 'relative', predict: ['2 x gpu']}), {
    message:
      '--predict: 2 x gpu: no speed for gpu: the table has raspberry-pi, desktop, laptop (predict combinations of the kinds the table measured)',
  });
});

test("a bench result's runs give the intervals (bootstrap) and the spread that flags a row", (t) => {
  const runs = (...seconds: number[]) => seconds.map((s) => ({seconds: s}));
  const result = {
    baseline: ['a'],
    rows: [
      {
        hardware: 'a',
        hosts: ['a'],
        cores: 1,
        measured_s: 10,
        min_s: 9.9,
        max_s: 10.1,
        status: 'ok',
        runs: runs(9.9, 10, 10.1),
      },
      {
        hardware: 'b',
        hosts: ['b'],
        cores: 1,
        measured_s: 5,
        min_s: 4.95,
        max_s: 5.05,
        status: 'ok',
        runs: runs(4.95, 5, 5.05),
      },
      {
        hardware: 'a, b',
        hosts: ['a', 'b'],
        cores: 2,
        measured_s: 4,
        min_s: 3.98,
        max_s: 4.02,
        status: 'ok',
        runs: runs(3.98, 4, 4.02),
      },
      {
        hardware: 'a, c',
        hosts: ['a', 'c'],
        cores: 2,
        measured_s: null,
        status: 'failed',
        error: 'every host was lost',
        runs: [],
      },
    ],
  } as unknown as Parameters<typeof observeBench>[0];
  const analysis = analyzeTable(observeBench(result, 'r.json'), {fit: 'relative'});
  t.is(analysis.ci_source, 'runs');
  t.deepEqual(analysis.skipped, ['rows[3] (a, c): every host was lost']);
  const [low, high] = analysis.speeds_ci95.b!;
  t.true(low < analysis.speeds.b && analysis.speeds.b < high && high - low < 0.2, `${low} ${high}`);
  // 10 s and 5 s alone say 3.33 s together: the measured 4 s is far beyond the runs' 1% spread.
  t.true(analysis.rows.every((row) => row.flagged));
  t.regex(
    analysis.warnings[2],
    /^a, b: measured 4\.00 s, the model says 3\.\d\d s \(-\d+\.\d%\), beyond its runs' spread of 1\.0%: something beyond capacity \(overhead, latency, imbalance\) is at work$/,
  );
  t.is(formatCounts(parseHardware(analysis.rows[2].hardware)), '1 x a, 1 x b');
});

/** A table as the model sees it: each row's runs, its time their median. */
function observed(rows: [string, Record<string, number>, number[]][]): ObservedTable {
  return {
    file: 't.json',
    baseline: 0,
    skipped: [],
    rows: rows.map(([hardware, counts, runs]) => ({
      hardware,
      counts: new Map(Object.entries(counts)),
      measured_s: [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)],
      cores: null,
      runs,
      min_s: null,
      max_s: null,
    })),
  };
}

// Pis that scale better than linearly (a cache): the free fit made the laptop negative, though it
// sped up both runs it joined (10 -> 9.5 s, 2.5 -> 2.45 s).
const EVERY_HOST_HELPED = observed([
  ['1 x pi', {pi: 1}, [10, 10.2, 9.9]],
  ['3 x pi', {pi: 3}, [2.5, 2.55, 2.45]],
  ['1 x pi + 1 x laptop', {pi: 1, laptop: 1}, [9.5, 9.6, 9.4]],
  ['3 x pi + 1 x laptop', {pi: 3, laptop: 1}, [2.45, 2.5, 2.4]],
]);

for (const fit of ['relative', 'rates'] as const)
  test(`${fit}: a sweep where every host helped reports every kind positive, at least what adding it gained, and says the times do not add up; --next saves time`, (t) => {
    const analysis = analyzeTable(EVERY_HOST_HELPED, {fit, next: true});
    const piRate = 1 / analysis.work_s;
    // The least gain of adding the laptop, in pi speeds: (1/9.5 - 1/10) / pi's rate.
    t.true(analysis.speeds.laptop >= (1 / 9.5 - 1 / 10) / piRate - 1e-9, String(analysis.speeds.laptop));
    t.true(Object.values(analysis.speeds).every((speed) => speed > 0));
    for (const interval of Object.values(analysis.speeds_ci95)) t.true(interval === null || interval[0] >= 0);
    t.true(
      analysis.warnings.includes(
        "the times do not add up as the hosts' capacities would (overhead, latency or imbalance is at work): the free fit gave laptop a speed not above 0, so its speed is held above 0, and at least at what adding one gained where the table shows it",
      ),
      analysis.warnings.join('\n'),
    );
    t.false(analysis.warnings.some((w) => w.includes('never made the runs faster')));
    t.true(analysis.next!.add.every((host) => host.saved_s! > 0));
  });

// Runs of hundredths of a second, on a loaded machine: the pair slower than either host alone.
test('times of 0.01 to 0.2 s are fitted, not refused as under- or overflow; a host that never made runs faster is named', (t) => {
  const table = observed([
    ['1 x a', {a: 1}, [0.05, 0.052, 0.049]],
    ['1 x b', {b: 1}, [0.16, 0.17, 0.15]],
    ['1 x a + 1 x b', {a: 1, b: 1}, [0.08, 0.079, 0.082]],
    ['2 x a', {a: 2}, [0.03, 0.031, 0.029]],
  ]);
  for (const fit of ['relative', 'rates'] as const) {
    const analysis = analyzeTable(table, {fit});
    t.true(Object.values(analysis.speeds).every((speed) => speed > 0 && Number.isFinite(speed)));
    t.true(
      analysis.warnings.some((w) => w.startsWith('b: adding one never made the runs faster')),
      analysis.warnings.join('\n'),
    );
  }
});
