import test from 'ava';
import {featureCount, formatMaxFeatures, type MaxFeatures, parseMaxFeatures} from '../../src/forest/max-features.js';

const counts = test.macro({
  exec(t, maxFeatures: MaxFeatures, features: number, expected: number) {
    t.is(featureCount(maxFeatures, features), expected);
  },
  title: (_, maxFeatures: MaxFeatures, features: number, expected: number) =>
    `maxFeatures ${formatMaxFeatures(maxFeatures)} of ${features} features is ${expected}, as scikit-learn counts`,
});
test(counts, 'sqrt', 20, 4);
test(counts, 'sqrt', 64, 8);
test(counts, 'log2', 20, 4);
test(counts, 'log2', 1, 1);
test(counts, 1, 20, 1);
test(counts, {fraction: 1}, 20, 20);
test(counts, {fraction: 0.5}, 5, 2);
test(counts, {fraction: 0.01}, 5, 1);

test('the decimal point decides: 1 is one feature, 1.0 every feature', (t) => {
  t.is(parseMaxFeatures('1'), 1);
  t.deepEqual(parseMaxFeatures('1.0'), {fraction: 1});
  t.is(formatMaxFeatures({fraction: 1}), '1.0');
  t.deepEqual(JSON.parse(JSON.stringify({fraction: 1})), {fraction: 1}, 'a fraction survives the trip to a worker');
});
