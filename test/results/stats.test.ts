import test from 'ava';
import {bootstrapCi95, fences, median, quantile, summarise, t975} from '../../src/results/stats.js';

const close = (
  t: {true(value: boolean, message?: string): void},
  actual: number | null,
  expected: number,
  digits = 5,
) => t.true(actual !== null && Math.abs(actual - expected) < 10 ** -digits, `${actual} ≈ ${expected}`);

// Worked by hand: mean, sample standard deviation (n - 1), median, and mean ± t(0.975, n - 1) x s / √n.
const summarises = test.macro({
  exec(
    t,
    values: number[],
    expected: {mean: number; stddev: number | null; median: number; cv: number | null; ci95: [number, number] | null},
  ) {
    const summary = summarise(values);
    close(t, summary.mean, expected.mean);
    close(t, summary.median, expected.median);
    t.is(summary.min, Math.min(...values));
    t.is(summary.max, Math.max(...values));
    if (expected.stddev === null) t.is(summary.stddev, null);
    else close(t, summary.stddev, expected.stddev);
    if (expected.cv === null) t.is(summary.cv, null);
    else close(t, summary.cv, expected.cv);
    if (expected.ci95 === null) t.is(summary.ci95, null);
    else {
      close(t, summary.ci95![0], expected.ci95[0]);
      close(t, summary.ci95![1], expected.ci95[1]);
    }
  },
  title: (given = '', values: number[]) => `summary of ${values.join(', ')}${given ? `: ${given}` : ''}`,
});

// Squared deviations 9+1+1+1+0+0+4+16 = 32, s = √(32/7) = 2.138090; half width 2.365 x 2.138090 / √8 = 1.787772.
test(summarises, [2, 4, 4, 4, 5, 5, 7, 9], {
  mean: 5,
  stddev: 2.13809,
  median: 4.5,
  cv: 0.427618,
  ci95: [3.212228, 6.787772],
});
// s = √2; half width 12.706 x √2 / √2.
test(summarises, [10, 12], {mean: 11, stddev: Math.SQRT2, median: 11, cv: Math.SQRT2 / 11, ci95: [-1.706, 23.706]});
test('one run has no spread', summarises, [3], {mean: 3, stddev: null, median: 3, cv: null, ci95: null});
// s = 0.1, half width 4.303 x 0.1 / √3.
test(summarises, [9.9, 10, 10.1], {mean: 10, stddev: 0.1, median: 10, cv: 0.01, ci95: [10 - 0.248434, 10 + 0.248434]});

const quantiles = test.macro((t, values: number[], p: number, expected: number) =>
  close(t, quantile(values, p), expected),
);
test('quantile 0.25 of 1..4 interpolates (R type 7)', quantiles, [4, 1, 3, 2], 0.25, 1.75);
test('quantile 0.75 of 1..4', quantiles, [1, 2, 3, 4], 0.75, 3.25);
test('quantile 0 and 1 are the extremes', quantiles, [5, 1, 9], 1, 9);
test('median of an even count averages the middle two', quantiles, [1, 2, 3, 10], 0.5, 2.5);

test('Tukey fences: 1.5 interquartile ranges beyond the quartiles', (t) => {
  // Q1 = 4, Q3 = 5.5, IQR 1.5: fences 1.75 and 7.75, so 9 is an outlier.
  t.deepEqual(fences([2, 4, 4, 4, 5, 5, 7, 9]), [1.75, 7.75]);
  t.deepEqual(fences([10, 10, 10, 10, 20]), [10, 10]);
});

test('Student t: the table, then the expansion (within 0.001 of the published 2.021, 1.980)', (t) => {
  t.is(t975(1), 12.706);
  t.is(t975(30), 2.042);
  close(t, t975(40), 2.021, 3);
  close(t, t975(120), 1.98, 3);
});

test('bootstrap: seeded, so the same runs give the same interval; a constant has no spread', (t) => {
  const runs = [10.2, 9.8, 10.5, 11.9, 10.1, 9.7];
  const first = bootstrapCi95([runs], ([sample]) => median(sample), 7);
  t.deepEqual(
    bootstrapCi95([runs], ([sample]) => median(sample), 7),
    first,
  );
  t.true(first[0] >= 9.7 && first[0] <= median(runs) && first[1] >= median(runs) && first[1] <= 11.9, String(first));
  t.deepEqual(
    bootstrapCi95([[5, 5, 5]], ([sample]) => median(sample), 1),
    [5, 5],
  );
  // Two groups resampled apart: a ratio of constants is that ratio.
  t.deepEqual(
    bootstrapCi95(
      [
        [4, 4],
        [2, 2, 2],
      ],
      ([a, b]) => median(a) / median(b),
      1,
    ),
    [2, 2],
  );
});
