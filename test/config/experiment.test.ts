import test from 'ava';
import {checkHostsExist, parseExperiment} from '../../src/config/experiment.js';
import {parseInventory} from '../../src/config/inventory.js';
import {YamlSource} from '../../src/config/yaml-source.js';
import {InputError} from '../../src/errors.js';
import {formatBytes, LIMITS} from '../../src/limits.js';

const parse = (text: string) => parseExperiment(YamlSource.parse('experiments/x.yaml', text));
const inventory = parseInventory(
  YamlSource.parse('inventory.yaml', 'hosts:\n  local-a: { transport: local }\n  local-b: { transport: local }\n'),
);

const MINIMAL = `dataset: { kind: synthetic, samples: 100 }
forest: { trees: 8 }
combinations: [[local-a], [local-a, local-b]]
`;

test('defaults fill what an experiment leaves out', (t) => {
  const experiment = parse(MINIMAL);
  t.is(experiment.name, 'x');
  t.deepEqual(experiment.dataset, {
    kind: 'synthetic',
    samples: 100,
    features: 20,
    informative: 10,
    classes: 2,
    seed: 0,
  });
  t.deepEqual(experiment.forest, {
    trees: 8,
    maxFeatures: 'sqrt',
    trainer: 'native',
    seed: 0,
    criterion: 'gini',
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
  });
  t.is(experiment.testFraction, 0.25);
  t.is(experiment.baseline, 0);
  t.is(experiment.runs, 3);
  t.is(experiment.warmup, 1);
});

test('the baseline is found among the combinations', (t) => {
  t.is(parse(`${MINIMAL}baseline: [local-a, local-b]\n`).baseline, 1);
});

test('a CSV data set and the maxFeatures forms', (t) => {
  const experiment = parse(
    'dataset: { kind: csv, path: data/iris.csv, target: species }\nforest: { trees: 2, maxFeatures: 0.5, maxDepth: 6 }\ncombinations: [[local-a]]\n',
  );
  t.deepEqual(experiment.dataset, {kind: 'csv', path: 'data/iris.csv', target: 'species'});
  t.deepEqual(experiment.forest.maxFeatures, {fraction: 0.5});
  t.is(experiment.forest.maxDepth, 6);
});

test('the shipped experiments load and name only hosts of the shipped inventories', async (t) => {
  const {loadExperiment} = await import('../../src/config/experiment.js');
  const {loadInventory} = await import('../../src/config/inventory.js');
  for (const [name, inventory] of [
    ['local', 'inventory.yaml'],
    ['paper-table1', 'inventory.example.yaml'],
  ]) {
    const experiment = loadExperiment(new URL(`../../../experiments/${name}.yaml`, import.meta.url).pathname);
    t.notThrows(() =>
      checkHostsExist(experiment, loadInventory(new URL(`../../../${inventory}`, import.meta.url).pathname)),
    );
  }
});

const refuses = test.macro((t, text: string, message: string) => {
  const error = t.throws(() => checkHostsExist(parse(text), inventory), {instanceOf: InputError});
  t.is(error?.message, message);
});

test(
  'unknown host in a combination',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 8 }\ncombinations:\n  - [local-a]\n  - [local-a, rpi9]\n',
  "experiments/x.yaml:5: combinations[1][1]: unknown host 'rpi9' (hosts in inventory.yaml: local-a, local-b)",
);
test(
  'baseline not among the combinations',
  refuses,
  `${MINIMAL}baseline: [local-b]\n`,
  'experiments/x.yaml:4: baseline: baseline [local-b] is not among the combinations (copy one of the combinations, or remove baseline: to use the first)',
);
test(
  'unknown trainer',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 8, trainer: xgboost }\ncombinations: [[local-a]]\n',
  "experiments/x.yaml:2: forest.trainer: unknown trainer 'xgboost' (use one of: native, ml-random-forest)",
);
test(
  'zero trees',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 0 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:2: forest.trees: must be a positive integer, got 0 (a whole number from 1 to 100000)',
);
test(
  'a host twice in a combination',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 8 }\ncombinations: [[local-a, local-a]]\n',
  "experiments/x.yaml:3: combinations[0]: host 'local-a' appears twice (a host contributes all its cores once; list it once)",
);
const MAX_FEATURES_FIX =
  '(use sqrt, log2, a whole number of features such as 3, or a fraction with a decimal point in (0, 1] such as 0.5 (1.0 is every feature, 1 is one))';
const withMaxFeatures = (value: string) =>
  `dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 8, maxFeatures: ${value} }\ncombinations: [[local-a]]\n`;
test(
  'maxFeatures 1.5 is neither a count nor a fraction',
  refuses,
  withMaxFeatures('1.5'),
  `experiments/x.yaml:2: forest.maxFeatures: maxFeatures 1.5 has a decimal point, so it is a fraction of the features, and fractions must be in (0, 1] ${MAX_FEATURES_FIX}`,
);
test(
  'maxFeatures 2.0 is refused, not read as 2',
  refuses,
  withMaxFeatures('2.0'),
  `experiments/x.yaml:2: forest.maxFeatures: maxFeatures 2.0 has a decimal point, so it is a fraction of the features, and fractions must be in (0, 1] ${MAX_FEATURES_FIX}`,
);
test(
  'maxFeatures 0',
  refuses,
  withMaxFeatures('0'),
  `experiments/x.yaml:2: forest.maxFeatures: maxFeatures 0 leaves no feature to split on ${MAX_FEATURES_FIX}`,
);
test(
  'maxFeatures -1',
  refuses,
  withMaxFeatures('-1'),
  `experiments/x.yaml:2: forest.maxFeatures: unknown maxFeatures '-1' ${MAX_FEATURES_FIX}`,
);
test(
  'maxFeatures as a list',
  refuses,
  withMaxFeatures('[1]'),
  `experiments/x.yaml:2: forest.maxFeatures: expected sqrt, log2 or a number, got a list ${MAX_FEATURES_FIX}`,
);

const readsMaxFeatures = test.macro({
  exec(t, written: string, expected: unknown) {
    t.deepEqual(parse(withMaxFeatures(written)).forest.maxFeatures, expected);
  },
  title: (_, written: string) => `maxFeatures: ${written} as scikit-learn reads it`,
});
test(readsMaxFeatures, '1', 1);
test(readsMaxFeatures, '1.0', {fraction: 1});
test(readsMaxFeatures, '"1.0"', {fraction: 1});
test(readsMaxFeatures, '0.25', {fraction: 0.25});
test(readsMaxFeatures, '.5', {fraction: 0.5});
test(readsMaxFeatures, '3', 3);
test(readsMaxFeatures, 'sqrt', 'sqrt');
test(readsMaxFeatures, 'log2', 'log2');
test(
  'test fraction of 1',
  refuses,
  `${MINIMAL}testFraction: 1\n`,
  'experiments/x.yaml:4: testFraction: must be a fraction between 0 and 1, got 1',
);
test(
  'more informative than features',
  refuses,
  'dataset: { kind: synthetic, samples: 100, features: 5, informative: 6 }\nforest: { trees: 8 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:1: dataset.informative: informative (6) exceeds features (5) (informative features are a subset of the features)',
);
test(
  'samples: 1e9, more than memory can hold',
  refuses,
  'dataset: { kind: synthetic, samples: 1e9 }\nforest: { trees: 8 }\ncombinations: [[local-a]]\n',
  `experiments/x.yaml:1: dataset.samples: 1000000000 samples x 20 features are 149 GiB of values, over the ${formatBytes(LIMITS.datasetBytes)} a data set may hold (use fewer samples; the limit is an eighth of this machine's memory, at most 512 MiB)`,
);
test(
  'features: 1000000, even over 60 samples (values within bounds)',
  refuses,
  'dataset: { kind: synthetic, samples: 60, features: 1000000 }\nforest: { trees: 8 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:1: dataset.features: 1000000 features are more than the 100000 a data set may have (each feature is binned and held apart in every slot; use fewer)',
);
test(
  "samples x features over the values' bound",
  refuses,
  'dataset: { kind: synthetic, samples: 100000, features: 9000 }\nforest: { trees: 8 }\ncombinations: [[local-a]]\n',
  `experiments/x.yaml:1: dataset.samples: 100000 samples x 9000 features are 6.7 GiB of values, over the ${formatBytes(LIMITS.datasetBytes)} a data set may hold (use fewer samples; the limit is an eighth of this machine's memory, at most 512 MiB)`,
);
test(
  "a heartbeatTimeout Node's timers cannot hold",
  refuses,
  `${MINIMAL}heartbeatTimeout: 2147484\n`,
  'experiments/x.yaml:4: heartbeatTimeout: must be at most 3600, got 2147484 (seconds a host may stay silent before it is taken as lost; an hour is as good as no timeout)',
);
test(
  'a billion trees',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 1e9 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:2: forest.trees: must be at most 100000, got 1000000000 (every tree is held in memory; a forest stops gaining accuracy long before)',
);
test(
  'a billion runs',
  refuses,
  `${MINIMAL}runs: 1e9\n`,
  'experiments/x.yaml:4: runs: must be at most 1000, got 1000000000 (each run is kept in the journal and the results; the median settles long before)',
);
test(
  'a billion warm-up runs',
  refuses,
  `${MINIMAL}warmup: 1e9\n`,
  'experiments/x.yaml:4: warmup: must be at most 1000, got 1000000000 (untimed runs before the timed ones; a few are enough)',
);
test(
  'unknown dataset kind',
  refuses,
  'dataset: { kind: parquet }\nforest: { trees: 8 }\ncombinations: [[local-a]]\n',
  "experiments/x.yaml:1: dataset.kind: unknown dataset kind 'parquet' (use one of: synthetic, csv)",
);
test(
  'csv without a target',
  refuses,
  'dataset: { kind: csv, path: a.csv }\nforest: { trees: 8 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:1: dataset.target: expected a non-empty string, got nothing (name the column that holds the class)',
);
test(
  'no combinations',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 8 }\ncombinations: []\n',
  'experiments/x.yaml:3: combinations: no combinations (list at least one, e.g. - [local-a])',
);
test(
  'a number in quotes is text to YAML: the fix says to drop them',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: "20" }\ncombinations: [[local-a]]\n',
  "experiments/x.yaml:2: forest.trees: must be a positive integer, got '20' (write it without quotes: YAML reads a quoted number as text)",
);
// "3.7" was told only to drop its quotes, which leaves 3.7, refused in turn.
test(
  'a fraction in quotes: the fix says what to write, not only to drop them',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: "2.5" }\ncombinations: [[local-a]]\n',
  "experiments/x.yaml:2: forest.trees: must be a positive integer, got '2.5' (write a whole number, such as 3, without quotes: YAML reads a quoted number as text)",
);
// Was accepted, where train --min-samples-split 1 and scikit-learn refuse it.
test(
  'minSamplesSplit of 1',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 2, minSamplesSplit: 1 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:2: forest.minSamplesSplit: must be at least 2, got 1 (a node of one row cannot be split: write 2 or more, as train --min-samples-split and scikit-learn require, or leave it out for 2)',
);
test(
  'a fraction of a second where whole seconds are read: the fix names the range',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 2 }\ncombinations: [[local-a]]\nheartbeatTimeout: 0.5\n',
  'experiments/x.yaml:4: heartbeatTimeout: must be a positive integer, got 0.5 (a whole number from 1 to 3600)',
);
test(
  'a seed past 32 bits (it gave the forest of a smaller seed)',
  refuses,
  'dataset: { kind: synthetic, samples: 100 }\nforest: { trees: 2, seed: 4294967296 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:2: forest.seed: must be at most 4294967295, got 4294967296 (seeds are 32-bit; 4294967296 would give the forest of seed 0)',
);
test(
  'a negative seed',
  refuses,
  'dataset: { kind: synthetic, samples: 100, seed: -1 }\nforest: { trees: 2 }\ncombinations: [[local-a]]\n',
  'experiments/x.yaml:1: dataset.seed: must be a non-negative integer, got -1 (a seed is a whole number from 0 to 4294967295)',
);

test("a CSV data set's delimiter, columns and drop", (t) => {
  const experiment = parse(
    "dataset: { kind: csv, path: d.csv, target: y, delimiter: ';', columns: [a, b, id], drop: [id] }\nforest: { trees: 2 }\ncombinations: [[local-a]]\n",
  );
  t.deepEqual(experiment.dataset, {
    kind: 'csv',
    path: 'd.csv',
    target: 'y',
    delimiter: ';',
    columns: ['a', 'b', 'id'],
    drop: ['id'],
  });
  const tab = parse(
    'dataset: { kind: csv, path: d.csv, target: y, delimiter: tab }\nforest: { trees: 2 }\ncombinations: [[local-a]]\n',
  ).dataset;
  t.is(tab.kind === 'csv' ? tab.delimiter : undefined, '\t');
  const bad = t.throws(
    () =>
      parse(
        "dataset: { kind: csv, path: d.csv, target: y, delimiter: ':' }\nforest: { trees: 2 }\ncombinations: [[local-a]]\n",
      ),
    {instanceOf: InputError},
  );
  t.regex(
    bad!.message,
    /dataset\.delimiter: .*':'.* is not a delimiter this reader knows \(use ',' ';' '\|' or tab \(quoted: delimiter: ';'\), or leave it out to detect it\)$/,
  );
  t.throws(
    () =>
      parse(
        'dataset: { kind: csv, path: d.csv, target: y, drop: [] }\nforest: { trees: 2 }\ncombinations: [[local-a]]\n',
      ),
    {message: /dataset\.drop: an empty list/},
  );
});

test("a CSV data set's missing policy", (t) => {
  const dataset = parse(
    'dataset: { kind: csv, path: d.csv, target: y, missing: median }\nforest: { trees: 2 }\ncombinations: [[local-a]]\n',
  ).dataset;
  t.is(dataset.kind === 'csv' ? dataset.missing : undefined, 'median');
  t.throws(
    () =>
      parse(
        'dataset: { kind: csv, path: d.csv, target: y, missing: zero }\nforest: { trees: 2 }\ncombinations: [[local-a]]\n',
      ),
    {message: /dataset\.missing: .*zero/},
  );
});
