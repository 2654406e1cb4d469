import test from 'ava';
import {idealSeconds, scalability} from '../../src/results/formulas.js';
import {median} from '../../src/results/stats.js';

// The paper's Table I: a Raspberry Pi alone (4 cores, 901 s) is the baseline.
const TABLE_I = [
  {hardware: '1 x Raspberry Pi', cores: 4, ideal: 901, measured: 901, scalability: 1},
  {hardware: '1 x Raspberry Pi, 1 x Desktop', cores: 11, ideal: 327.6363636, measured: 237, scalability: 1.382431914},
  {hardware: '2 x Raspberry Pi, 1 x Desktop', cores: 15, ideal: 240.2666667, measured: 181, scalability: 1.327440147},
  {hardware: '3 x Raspberry Pi, 1 x Desktop', cores: 19, ideal: 189.6842105, measured: 152, scalability: 1.247922438},
  {hardware: '4 x Raspberry Pi, 1 x Desktop', cores: 23, ideal: 156.6956522, measured: 134, scalability: 1.169370539},
  {
    hardware: '4 x Raspberry Pi, 1 x Desktop, 1 x Laptop',
    cores: 30,
    ideal: 120.1333333,
    measured: 124,
    scalability: 0.968817204,
  },
];

for (const row of TABLE_I) {
  test(`Table I: ${row.hardware}`, (t) => {
    const ideal = idealSeconds(901, 4, row.cores);
    t.true(Math.abs(ideal - row.ideal) < 1e-6, `ideal ${ideal}`);
    t.true(Math.abs(scalability(ideal, row.measured) - row.scalability) < 1e-8);
  });
}

test('11 cores: ideal 327.64 s, scalability 1.382', (t) => {
  t.is(idealSeconds(901, 4, 11).toFixed(2), '327.64');
  t.is(scalability(idealSeconds(901, 4, 11), 237).toFixed(3), '1.382');
});

test('median of odd and even counts', (t) => {
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 3, 2]), 2.5);
  t.throws(() => median([]));
});
