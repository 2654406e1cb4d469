import test from 'ava';
import type {Host} from '../../src/config/inventory.js';
import {shareByWeight as shareByCores, staticCoresSchedule} from '../../src/schedule/static.js';

const shares = test.macro({
  exec(t, cores: number[], trees: number, expected: number[]) {
    t.deepEqual(shareByCores(cores, trees), expected);
  },
  title: (_, cores: number[], trees: number) => `${trees} trees over cores ${cores.join('+')}`,
});

test(shares, [1], 5, [5]);
test(shares, [1, 1], 5, [3, 2]);
test(shares, [4, 7], 100, [36, 64]);
test(shares, [4, 4, 4, 4, 7, 7], 30, [4, 4, 4, 4, 7, 7]);
test(shares, [4, 7], 1, [0, 1]);
test(shares, [3, 3, 3], 10, [4, 3, 3]);
test(shares, [2, 1, 2], 12, [5, 2, 5]);
test(shares, [1, 1, 1, 1], 7, [2, 2, 2, 1]);

test('every tree is given out, whatever the cores', (t) => {
  for (let trees = 1; trees < 60; trees++) {
    for (const cores of [[1], [2, 1, 2], [4, 4, 4, 4, 7, 7], [3, 5, 7, 11]])
      t.is(
        shareByCores(cores, trees).reduce((a: number, b: number) => a + b, 0),
        trees,
      );
  }
});

test('each host takes its own consecutive trees, and nothing more', (t) => {
  const host = (name: string, cores: number): Host => ({name, cores, transport: 'local', labels: []});
  const schedule = staticCoresSchedule({hosts: [host('a', 1), host('b', 3)], trees: 8});
  t.deepEqual(schedule.take('a', 5), [0, 1]);
  t.deepEqual(schedule.take('b', 4), [2, 3, 4, 5]);
  t.deepEqual(schedule.take('b', 4), [6, 7]);
  t.deepEqual(schedule.take('b', 4), []);
  t.deepEqual(schedule.take('a', 1), []);
});
