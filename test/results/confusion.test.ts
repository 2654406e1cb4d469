import test from 'ava';
import {accuracyOf, confusionOf} from '../../src/results/confusion.js';
import {confusionLines} from '../../src/report/train-output.js';

test('a row per true class, a column per predicted; labels never trained on in a row of their own', (t) => {
  const confusion = confusionOf(['no', 'yes'], [0, 0, 1, 1, -1], [0, 1, 1, 1, 0]);
  t.deepEqual(confusion.counts, [
    [1, 1],
    [0, 2],
  ]);
  t.deepEqual(confusion.unseen, [1, 0]);
  t.is(accuracyOf(confusion), 3 / 5);
  t.deepEqual(confusionLines(confusion, 5), [
    'Confusion matrix on the 5 test rows (a row per true class, a column per predicted class):',
    '                     no  yes',
    '  no                  1    1',
    '  yes                 0    2',
    '  (not in training)   1    0',
  ]);
});

test('without labels never trained on, no such row; too many classes for a terminal, --json only', (t) => {
  t.is(confusionOf(['a', 'b'], [0, 1], [0, 1]).unseen, null);
  const classes = Array.from({length: 13}, (_, c) => `c${c}`);
  t.deepEqual(confusionLines(confusionOf(classes, [0], [0]), 1), [
    "Confusion matrix on the 1 test rows (a row per true class, a column per predicted class): 13 classes, too wide to show here: see --json's confusion.",
  ]);
});
