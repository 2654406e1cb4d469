import test from 'ava';
import type {BenchProgress} from '../../src/results/progress.js';
import {fit, formatDuration, progressPrinter} from '../../src/report/progress.js';

/** A stand-in for process.stderr that records what is written. */
function stream(isTTY: boolean, columns = 80) {
  const written: string[] = [];
  return {
    written,
    stream: {isTTY, columns, write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream,
  };
}

/** A sweep as the sweep reports it: rows of `cores`, each `warmups` + `runs` runs of 100 trees in turn. */
function plan(cores: number[], warmups: number, runs: number, engine?: string) {
  const events: {progress: (done: number) => BenchProgress; row: number}[] = [];
  const left = cores.map(() => warmups + runs);
  for (let row = 0; row < cores.length; row++)
    for (let run = 1; run <= warmups + runs; run++) {
      left[row]--;
      const later = cores.flatMap((c, i) => (left[i] > 0 ? [{combination: i + 1, cores: c, runs: left[i]}] : []));
      const fixed = {
        ...(engine ? {engine} : {}),
        combination: row + 1,
        combinations: cores.length,
        hardware: `${cores[row]} x pi`,
        cores: cores[row],
        run,
        warmups,
        runs,
        warmup: run <= warmups,
        total: 100,
        later,
      };
      events.push({row, progress: (done) => ({...fixed, done})});
    }
  return events;
}

/** Feeds every run of `events`, each taking `seconds(row)` on the fake clock, and returns what was written. */
function feed(events: ReturnType<typeof plan>, seconds: (row: number) => number, isTTY = false) {
  const {written, stream: out} = stream(isTTY);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  for (const {progress, row} of events) {
    printer.update(progress(0));
    clock += seconds(row) * 1000;
    printer.update(progress(100));
  }
  return written;
}

test('on a terminal: elapsed time and an estimate, cut to the width from the hardware end', (t) => {
  const {written, stream: out} = stream(true, 60);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  const [first] = plan([3, 3], 1, 1);
  printer.update(first.progress(0));
  clock = 10_000;
  printer.update(first.progress(50));
  const line = written.at(-1)!.replace('\r\x1b[2K', '');
  t.is(line, '[1/2] warm-up 1/1, trees 50/100, 10 s elapsed, ~1:10 left …');
  t.true(line.length <= 59);
  printer.clear();
  t.is(written.at(-1), '\r\x1b[2K');
});

test('not on a terminal: one line per finished run; warm-ups named as warm-ups, runs numbered as the table counts them', (t) => {
  t.deepEqual(
    feed(plan([1, 1], 1, 2), () => 5),
    [
      '[1/2] 1 x pi: warm-up 1/1 done in 5.0 s; 5 s elapsed, ~25 s left\n',
      '[1/2] 1 x pi: run 1/2 done in 5.0 s; 10 s elapsed, ~20 s left\n',
      '[1/2] 1 x pi: run 2/2 done in 5.0 s; 15 s elapsed, ~15 s left\n',
      '[2/2] 1 x pi: warm-up 1/1 done in 5.0 s; 20 s elapsed, ~10 s left\n',
      '[2/2] 1 x pi: run 1/2 done in 5.0 s; 25 s elapsed, ~5 s left\n',
      '[2/2] 1 x pi: run 2/2 done in 5.0 s; 30 s elapsed, ~0 s left\n',
    ],
  );
});

test('the estimate comes from the pace of the runs done, per core: a first row of one slow host does not stand for a row of four cores', (t) => {
  // One core: 40 s a run; four cores: 10 s. After the first row, 2 runs of 10 s are left, not 2 of 40 s.
  const written = feed(plan([1, 4], 0, 2), (row) => (row === 0 ? 40 : 10));
  t.deepEqual(written, [
    '[1/2] 1 x pi: run 1/2 done in 40.0 s; 40 s elapsed, ~1:00 left\n',
    '[1/2] 1 x pi: run 2/2 done in 40.0 s; 1:20 elapsed, ~20 s left\n',
    '[2/2] 4 x pi: run 1/2 done in 10.0 s; 1:30 elapsed, ~10 s left\n',
    '[2/2] 4 x pi: run 2/2 done in 10.0 s; 1:40 elapsed, ~0 s left\n',
  ]);
});

test("once measured runs are done, the warm-ups' pace (a first dask run starts its workers) no longer counts", (t) => {
  let runs = 0;
  const written = feed(plan([1, 1], 1, 1), () => (runs++ % 2 === 0 ? 20 : 5));
  t.deepEqual(written, [
    '[1/2] 1 x pi: warm-up 1/1 done in 20.0 s; 20 s elapsed, ~1:00 left\n',
    '[1/2] 1 x pi: run 1/1 done in 5.0 s; 25 s elapsed, ~10 s left\n',
    '[2/2] 1 x pi: warm-up 1/1 done in 20.0 s; 45 s elapsed, ~5 s left\n',
    '[2/2] 1 x pi: run 1/1 done in 5.0 s; 50 s elapsed, ~0 s left\n',
  ]);
});

test('time before the first run (calibration) is elapsed but not pace; the stage is said on a line of its own', (t) => {
  const {written, stream: out} = stream(false);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  printer.stage({doing: 'calibrating pi-1: its speed alone'});
  clock = 60_000;
  const [run] = plan([1], 0, 2);
  printer.update(run.progress(0));
  clock += 5000;
  printer.update(run.progress(100));
  t.deepEqual(written, [
    'calibrating pi-1: its speed alone\n',
    '[1/1] 1 x pi: run 1/2 done in 5.0 s; 1:05 elapsed, ~5 s left\n',
  ]);
});

test('with several engines each line names its engine, and the next engine has its own clock and pace', (t) => {
  const {written, stream: out} = stream(false);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  for (const [engine, seconds] of [
    ['native', 5],
    ['dask', 20],
  ] as const) {
    printer.stage({engine, doing: 'calibrating pi-1'});
    for (const {progress} of plan([1], 0, 2, engine)) {
      printer.update(progress(0));
      clock += seconds * 1000;
      printer.update(progress(100));
    }
  }
  t.deepEqual(written, [
    'native: calibrating pi-1\n',
    'native [1/1] 1 x pi: run 1/2 done in 5.0 s; 5 s elapsed, ~5 s left\n',
    'native [1/1] 1 x pi: run 2/2 done in 5.0 s; 10 s elapsed, ~0 s left\n',
    'dask: calibrating pi-1\n',
    'dask [1/1] 1 x pi: run 1/2 done in 20.0 s; 20 s elapsed, ~20 s left\n',
    'dask [1/1] 1 x pi: run 2/2 done in 20.0 s; 40 s elapsed, ~0 s left\n',
  ]);
});

test('not on a terminal: a second sweep (the next --latency) prints its runs too, with its own clock', (t) => {
  const {written, stream: out} = stream(false);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  for (const seconds of [5, 20]) {
    const [first] = plan([1, 1], 1, 1);
    printer.update(first.progress(0));
    clock += seconds * 1000;
    printer.update(first.progress(100));
  }
  t.deepEqual(written, [
    '[1/2] 1 x pi: warm-up 1/1 done in 5.0 s; 5 s elapsed, ~15 s left\n',
    '[1/2] 1 x pi: warm-up 1/1 done in 20.0 s; 20 s elapsed, ~1:00 left\n',
  ]);
});

test('--quiet prints nothing', (t) => {
  const {written, stream: out} = stream(false);
  const printer = progressPrinter(out, {quiet: true});
  printer.update(plan([1], 0, 1)[0].progress(100));
  t.deepEqual(written, []);
});

test('durations and cutting', (t) => {
  t.is(formatDuration(42.4), '42 s');
  t.is(formatDuration(185), '3:05');
  t.is(formatDuration(3723), '1:02:03');
  t.is(fit('abcdef', 4), 'abc…');
  t.is(fit('abc', 4), 'abc');
});

test('colours only on a terminal, and not with NO_COLOR', async (t) => {
  const {colours} = await import('../../src/report/colour.js');
  t.is(colours({isTTY: true}, {}).red('NO'), '\x1b[31mNO\x1b[39m');
  t.is(colours({isTTY: true}, {NO_COLOR: '1'}).red('NO'), 'NO');
  t.is(colours({isTTY: false}, {}).green('yes'), 'yes');
});
