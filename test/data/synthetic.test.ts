import test from 'ava';
import {hashDataset} from '../../src/data/dataset.js';
import {classCounts} from '../helpers/class-counts.js';
import {Random, treeSeed} from '../../src/data/random.js';
import {makeClassification} from '../../src/data/synthetic.js';

const spec = {samples: 1000, features: 12, informative: 6, classes: 3, seed: 42};

test('the same seed makes the same data set, byte for byte', (t) => {
  t.is(hashDataset(makeClassification(spec)), hashDataset(makeClassification(spec)));
  t.not(hashDataset(makeClassification(spec)), hashDataset(makeClassification({...spec, seed: 43})));
});

test('golden: the generator does not drift between versions or platforms', (t) => {
  const data = makeClassification({samples: 200, features: 5, informative: 3, classes: 2, seed: 0});
  t.snapshot({
    hash: hashDataset(data),
    first: Array.from(data.values.subarray(0, 5)),
    labels: Array.from(data.labels.subarray(0, 10)),
  });
});

test('shape, class balance and class names', (t) => {
  const data = makeClassification(spec);
  t.is(data.rows, 1000);
  t.is(data.values.length, 12000);
  t.deepEqual(data.classes, ['0', '1', '2']);
  for (const count of classCounts(data)) t.true(Math.abs(count - 333) < 25, `class count ${count}`);
  t.true(data.values.every(Number.isFinite));
});

test('informative features separate the classes; noise features do not', (t) => {
  const data = makeClassification({samples: 4000, features: 4, informative: 2, classes: 2, seed: 5});
  const meanBy = (feature: number, label: number) => {
    let sum = 0;
    let n = 0;
    for (let row = 0; row < data.rows; row++)
      if (data.labels[row] === label) {
        sum += data.values[row * 4 + feature];
        n++;
      }
    return sum / n;
  };
  const gap = (feature: number) => Math.abs(meanBy(feature, 0) - meanBy(feature, 1));
  t.true(gap(2) < 0.1 && gap(3) < 0.1, `noise gaps ${gap(2)}, ${gap(3)}`);
});

test('the random generator is seeded and uniform enough', (t) => {
  const a = new Random(1);
  const b = new Random(1);
  const draws = Array.from({length: 10000}, () => a.next());
  t.deepEqual(
    draws.slice(0, 5),
    Array.from({length: 5}, () => b.next()),
  );
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  t.true(Math.abs(mean - 0.5) < 0.01);
  t.true(draws.every((x) => x >= 0 && x < 1));
});

test('tree seeds depend on the forest seed and the index only, and fit in 31 bits', (t) => {
  t.is(treeSeed(0, 5), treeSeed(0, 5));
  t.not(treeSeed(0, 5), treeSeed(0, 6));
  t.not(treeSeed(0, 5), treeSeed(1, 5));
  const seeds = new Set(Array.from({length: 1000}, (_, i) => treeSeed(3, i)));
  t.is(seeds.size, 1000);
  for (const seed of seeds) t.true(seed >= 0 && seed < 2 ** 31);
});
