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

const at = (combination: number, run: number, done: number): BenchProgress => ({
  combination,
  combinations: 2,
  hardware: 'raspberry-pi, desktop, laptop',
  run,
  runs: 2,
  warmup: run === 1,
  done,
  total: 100,
});

test('on a terminal: elapsed time and an estimate, cut to the width from the hardware end', (t) => {
  const {written, stream: out} = stream(true, 60);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  printer.update(at(1, 1, 0));
  clock = 10_000;
  printer.update(at(1, 1, 50));
  const line = written.at(-1)!.replace('\r\x1b[2K', '');
  t.is(line, '[1/2] warm-up 1/2, trees 50/100, 10 s elapsed, ~1:10 left …');
  t.true(line.length <= 59);
  printer.clear();
  t.is(written.at(-1), '\r\x1b[2K');
});

test('not on a terminal: one line per finished run', (t) => {
  const {written, stream: out} = stream(false);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  for (const [combination, run] of [
    [1, 1],
    [1, 2],
    [2, 1],
    [2, 2],
  ]) {
    printer.update(at(combination, run, 0));
    clock += 5000;
    printer.update(at(combination, run, 60));
    printer.update(at(combination, run, 100));
  }
  t.deepEqual(written, [
    '[1/2] raspberry-pi, desktop, laptop: warm-up 1/2 done in 5.0 s; 5 s elapsed, ~15 s left\n',
    '[1/2] raspberry-pi, desktop, laptop: run 2/2 done in 5.0 s; 10 s elapsed, ~10 s left\n',
    '[2/2] raspberry-pi, desktop, laptop: warm-up 1/2 done in 5.0 s; 15 s elapsed, ~5 s left\n',
    '[2/2] raspberry-pi, desktop, laptop: run 2/2 done in 5.0 s; 20 s elapsed, ~0 s left\n',
  ]);
});

test('not on a terminal: a second sweep (the next engine, the next latency) prints its runs too, with its own clock', (t) => {
  const {written, stream: out} = stream(false);
  let clock = 0;
  const printer = progressPrinter(out, {now: () => clock});
  for (const seconds of [5, 20]) {
    printer.update(at(1, 1, 0));
    clock += seconds * 1000;
    printer.update(at(1, 1, 100));
  }
  t.deepEqual(written, [
    '[1/2] raspberry-pi, desktop, laptop: warm-up 1/2 done in 5.0 s; 5 s elapsed, ~15 s left\n',
    '[1/2] raspberry-pi, desktop, laptop: warm-up 1/2 done in 20.0 s; 20 s elapsed, ~1:00 left\n',
  ]);
});

test('--quiet prints nothing', (t) => {
  const {written, stream: out} = stream(false);
  const printer = progressPrinter(out, {quiet: true});
  printer.update(at(1, 1, 100));
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
