import test from 'ava';
import {fillMissing, fillValues, isMissingCell} from '../../src/data/missing.js';

const data = {rows: 4, features: 2, values: Float64Array.from([1, Number.NaN, 2, 10, Number.NaN, 20, 6, 40])};

test("the training rows' mean and median of each column, missing values left out", (t) => {
  t.deepEqual(fillValues(data, 'mean'), [3, (10 + 20 + 40) / 3]);
  t.deepEqual(fillValues(data, 'median'), [2, 20]);
  t.deepEqual(fillValues({rows: 4, features: 1, values: Float64Array.from([4, 1, 3, 2])}, 'median'), [2.5]);
  t.true(Number.isNaN(fillValues({rows: 1, features: 1, values: Float64Array.from([Number.NaN])}, 'mean')[0]));
});

test('missing values are filled by column, and counted', (t) => {
  const values = data.values.slice();
  t.is(fillMissing(values, 2, [3, 20]), 2);
  t.deepEqual(Array.from(values), [1, 20, 2, 10, 3, 20, 6, 40]);
});

test("the cells pandas reads as missing, and '?'", (t) => {
  for (const cell of ['', 'NA', 'NaN', 'nan', 'N/A', 'null', '?']) t.true(isMissingCell(cell), cell);
  for (const cell of ['0', 'none', 'x', '-']) t.false(isMissingCell(cell), cell);
});
