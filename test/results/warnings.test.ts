import test from 'ava';
import type {RunRecord} from '../../src/results/result.js';
import {summarise} from '../../src/results/stats.js';
import {noiseWarnings} from '../../src/results/warnings.js';

const runs = (seconds: number[]): RunRecord[] =>
  seconds.map((s) => ({seconds: s, accuracy: 1, hosts: [], faults: [], timeline: []}));
const warns = test.macro((t, seconds: number[], expected: {kind: string; message: string}[]) => {
  t.deepEqual(noiseWarnings(runs(seconds), summarise(seconds)), expected);
});

test('steady runs: no warning', warns, [10, 10.1, 9.9, 10], []);
test('one run: no warning', warns, [10], []);
// s = 0.6, mean 10: 6.0%.
test(
  'variance above 5%',
  warns,
  [9.4, 10, 10.6],
  [
    {
      kind: 'variance',
      message:
        'the runs vary by 6.0% of their mean (coefficient of variation above 5.0%): compare rows with care, run more (--runs) or on a quieter machine',
    },
  ],
);
// Quartiles 10 and 10.2: the fences are 9.7 and 10.5; 11 is beyond (and the spread stays under 5%).
test(
  'an outlier beyond the fences',
  warns,
  [10, 10.2, 10, 11, 10],
  [
    {
      kind: 'outlier',
      message:
        'run 4 took 11.00 s, outside 9.70-10.50 s (1.5 interquartile ranges beyond the quartiles): something else may have run at that time',
    },
  ],
);
