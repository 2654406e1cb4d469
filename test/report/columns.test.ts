import test from 'ava';
import {arch} from 'node:os';
import {COLUMNS} from '../../src/report/columns.js';
import type {BenchRow} from '../../src/results/result.js';
import {describeMachine} from '../../src/sweep/describe.js';

const column = (csv: string) => COLUMNS.find((c) => c.csv === csv)!;

test("a confidence interval reads 'low to high', its low end never below 0 (it was '-0.94-11.74')", (t) => {
  const row = {ci95_s: [-0.94, 11.74], scalability_ci95: [0.5, 0.75]} as unknown as BenchRow;
  t.is(column('ci95_low_s,ci95_high_s').format(row), '0.00 to 11.74');
  t.is(column('scalability_ci95_low,scalability_ci95_high').format(row), '0.500 to 0.750');
});

test('CSV seconds keep 6 significant digits: a 23 ms run is not rounded to 2 (scalability from the CSV was off by 2%)', (t) => {
  const row = {measured_s: 0.023456789, ideal_s: 0.0123456} as unknown as BenchRow;
  t.is(column('measured_s').value(row), 0.0234568);
  t.is(column('ideal_s').value(row), 0.0123456);
});

test("the coordinator's architecture in Node's naming, as every host's worker reports its own (x64, not x86_64)", (t) => {
  t.is(describeMachine().arch, arch());
});
