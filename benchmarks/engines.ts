/**
 * The engines on the same hosts and the same data, as Markdown tables for the README: for forests,
 * the native engine against the paper's stack (scikit-learn's RandomForestClassifier under joblib's
 * dask backend); for networks, the native engine against PyTorch's DistributedDataParallel over
 * gloo. Run with `npm run bench:engines` (both), `-- --forests` or `-- --networks`; `sudo npm run
 * bench:engines -- --lab` runs the networks on the paper's lab (experiments/lab/network-paper.yaml).
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
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

async function forests(): Promise<void> {
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
}

const CLI = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

/** Native against torch on `inventory`'s hosts, each engine a sweep of the experiment `yaml`. */
async function networkEngines(yaml: string, inventory: string, label: string): Promise<void> {
  writeFileSync(join(folder, 'network.yaml'), yaml);
  const started = Date.now();
  const {results, comparison} = await runEngines(
    {
      experiment: loadExperiment(join(folder, 'network.yaml')),
      inventory: loadInventory(inventory),
      resultsDir: join(folder, 'results'),
    },
    ['native', 'torch'],
  );
  const [native, torch] = results;
  const network = native.network!;
  console.log(
    `\n${label}: layers ${network.layers.join(' x ')}, batches of ${network.batchSize}, ${network.epochs} epochs on ${native.dataset.description}; median of ${native.rows[0].runs.length} runs; ${((Date.now() - started) / 1000).toFixed(0)} s in all\n`,
  );
  console.log(
    '| hosts | native | torch | torch / native | native scalability | torch scalability | native accuracy | torch accuracy | per step, ms: compute / exchange / wait (native; torch) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  const ms = (s: number) => (s * 1000).toFixed(1);
  comparison.forEach((row, i) => {
    const split = (engine: string) =>
      (row.steps?.[engine] ?? [])
        .map((s) => `${s.host} ${ms(s.computeSeconds)}/${ms(s.exchangeSeconds)}/${ms(s.waitSeconds)}`)
        .join(', ');
    const cells = [
      row.hardware,
      `${row.measured_s.native?.toFixed(2)} s`,
      `${row.measured_s.torch?.toFixed(2)} s`,
      `${row.ratio.torch?.toFixed(3)}x`,
      native.rows[i].scalability?.toFixed(3),
      torch.rows[i].scalability?.toFixed(3),
      row.accuracy.native?.toFixed(4),
      row.accuracy.torch?.toFixed(4),
      `${split('native')}; ${split('torch')}`,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  });
}

const NETWORK_SHAPES = [
  {name: 'shipped (32 features, 128 x 64)', features: 32, layers: '[128, 64]', batch: 500, samples: 12000},
  {name: 'wide (256 features, 256 x 128)', features: 256, layers: '[256, 128]', batch: 1000, samples: 8000},
];

async function networks(): Promise<void> {
  const inventory = join(folder, 'inventory.yaml');
  for (const shape of NETWORK_SHAPES)
    await networkEngines(
      `name: engines-network
workload: network
dataset: { kind: synthetic, samples: ${shape.samples}, features: ${shape.features}, informative: ${shape.features / 2}, classes: 4, seed: 0 }
network: { layers: ${shape.layers}, epochs: 4, batchSize: ${shape.batch}, learningRate: 0.002, optimizer: adam, seed: 0 }
combinations: [[local-a], [local-a, local-b]]
runs: 3
warmup: 1
`,
      inventory,
      `Two local hosts, ${shape.name}`,
    );
}

/** The paper's lab (network namespaces, CPU quotas, a router's latency): needs root. */
async function lab(): Promise<void> {
  const spec = fileURLToPath(new URL('../../experiments/lab/network-paper.yaml', import.meta.url));
  const dir = join(folder, 'lab');
  await execa(process.execPath, [CLI, 'lab', 'up', '--spec', spec, '--dir', dir], {stdio: 'inherit'});
  try {
    const inventory = join(dir, 'lab-inventory.yaml');
    await execa(process.execPath, [CLI, 'provision', '--inventory', inventory], {stdio: 'inherit'});
    await networkEngines(
      `name: engines-lab
workload: network
dataset: { kind: synthetic, samples: 6000, features: 32, informative: 16, classes: 4, seed: 0 }
network: { layers: [128, 64], epochs: 2, batchSize: 1000, learningRate: 0.002, seed: 0 }
combinations: [[rpi1], [rpi1, desktop], [rpi1, rpi2, desktop]]
runs: 2
warmup: 0
`,
      inventory,
      'The paper lab (rpi1, rpi2 at 0.15 of a core, desktop at 0.6; 1 ms each way)',
    );
  } finally {
    await execa(process.execPath, [CLI, 'lab', 'down', '--dir', dir], {stdio: 'inherit'});
  }
}

console.log(`Engines benchmark on ${cpus()[0]?.model} (${cpus().length} CPUs), Node.js ${process.version}`);
const only = (flag: string) => process.argv.includes(flag);
if (only('--lab')) await lab();
else {
  if (!only('--networks')) await forests();
  if (!only('--forests')) await networks();
}
