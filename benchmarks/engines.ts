/**
 * Both engines on the same two local hosts and the same data: the native engine against the
 * paper's stack (scikit-learn's RandomForestClassifier under joblib's dask backend), as a
 * Markdown table for the README. Run with `npm run bench:engines`.
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {runEngines} from '../src/sweep/engines.js';
import {loadExperiment} from '../src/config/experiment.js';
import {loadInventory} from '../src/config/inventory.js';

const folder = mkdtempSync(join(tmpdir(), 'cluster-bench-engines-'));
writeFileSync(
  join(folder, 'inventory.yaml'),
  'hosts:\n  local-a: { transport: local, cores: 1 }\n  local-b: { transport: local, cores: 1 }\n',
);
writeFileSync(
  join(folder, 'engines.yaml'),
  `name: engines
dataset: { kind: synthetic, samples: 20000, features: 20, informative: 10, classes: 2, seed: 0 }
forest: { trees: 200, seed: 0 }
combinations: [[local-a], [local-a, local-b]]
runs: 3
warmup: 1
`,
);

console.log(`Engines benchmark on ${cpus()[0]?.model} (${cpus().length} CPUs), Node.js ${process.version}`);
const started = Date.now();
const {results, comparison} = await runEngines(
  {
    experiment: loadExperiment(join(folder, 'engines.yaml')),
    inventory: loadInventory(join(folder, 'inventory.yaml')),
    resultsDir: join(folder, 'results'),
  },
  ['native', 'dask'],
);
const [native, dask] = results;
console.log(
  `${native.dataset.description}, ${native.dataset.trainRows} training rows, ${native.forest!.trees} trees; median of 3 runs after a warm-up; ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`,
);
console.log(
  '| hosts | cores | native | dask | dask / native | native scalability | dask scalability | native accuracy | dask accuracy |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
comparison.forEach((row, i) => {
  const cells = [
    row.hardware,
    row.cores,
    `${row.measured_s.native?.toFixed(2)} s`,
    `${row.measured_s.dask?.toFixed(2)} s`,
    `${row.ratio.dask?.toFixed(2)}x`,
    native.rows[i].scalability?.toFixed(3),
    dask.rows[i].scalability?.toFixed(3),
    row.accuracy.native?.toFixed(4),
    row.accuracy.dask?.toFixed(4),
  ];
  console.log(`| ${cells.join(' | ')} |`);
});
