/**
 * The distributed part of a network's training, as a user meets it (each figure a fresh
 * `cluster bench` process): efficiency on two identical local hosts, central against ring
 * reduction, over several shapes and seeds; with `--lab` (Linux, root), the proportional against
 * the equal split on the paper's lab. Markdown tables for the docs. Run with `npm run bench:network`
 * (or `sudo npm run bench:network -- --lab`).
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';

const CLI = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cluster-bench-network-'));

interface Row {
  hardware: string;
  measured_s: number;
  capacity_ideal_s: number | null;
  efficiency: number | null;
  scalability: number | null;
  runs: {weightsHash?: string; steps?: {computeSeconds: number; exchangeSeconds: number; waitSeconds: number}[]}[];
}

/** One sweep in a fresh process: its rows. */
async function bench(experiment: string, inventory: string): Promise<Row[]> {
  const file = join(folder, `e-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, experiment);
  const {stdout} = await execa(process.execPath, [CLI, 'bench', '-e', file, '-i', inventory, '--json', '--quiet'], {
    cwd: folder,
  });
  return (JSON.parse(stdout) as {rows: Row[]}).rows;
}

const SHAPES = [
  {
    name: '12,000 x 32, 4 classes, [128, 64], batch 500 (shipped)',
    samples: 12000,
    features: 32,
    classes: 4,
    layers: '[128, 64]',
    batch: 500,
  },
  {
    name: '6,000 x 128, 10 classes, [256, 128], batch 500',
    samples: 6000,
    features: 128,
    classes: 10,
    layers: '[256, 128]',
    batch: 500,
  },
  {
    name: '12,000 x 16, 2 classes, [64], batch 200',
    samples: 12000,
    features: 16,
    classes: 2,
    layers: '[64]',
    batch: 200,
  },
];

function experiment(
  shape: (typeof SHAPES)[number],
  seed: number,
  reduce: string,
  combinations: string,
  split = 'proportional',
): string {
  return `workload: network
dataset: { kind: synthetic, samples: ${shape.samples}, features: ${shape.features}, informative: ${Math.ceil(shape.features / 2)}, classes: ${shape.classes}, seed: ${seed} }
network: { layers: ${shape.layers}, epochs: 3, batchSize: ${shape.batch}, learningRate: 0.002, seed: ${seed}, reduce: ${reduce}, split: ${split} }
combinations: ${combinations}
runs: 3
warmup: 1
`;
}

const f = (value: number | null | undefined, digits = 2) => (value == null ? '-' : value.toFixed(digits));

async function localHosts(): Promise<void> {
  const inventory = join(folder, 'local.yaml');
  writeFileSync(
    inventory,
    'hosts:\n  local-a: { transport: local, cores: 1 }\n  local-b: { transport: local, cores: 1 }\n',
  );
  console.log('\n## Two identical local hosts: efficiency, central against ring\n');
  console.log('| data | seed | reduce | 1 host | 2 hosts | capacity ideal | efficiency | scalability | same weights |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---|');
  for (const shape of SHAPES)
    for (const seed of [0, 1])
      // Interleaved, so a change in the machine's load falls on both reductions alike.
      for (const reduce of ['central', 'ring']) {
        const rows = await bench(experiment(shape, seed, reduce, '[[local-a], [local-a, local-b]]'), inventory);
        const hashes = new Set(rows.flatMap((row) => row.runs.map((run) => run.weightsHash)));
        const [one, two] = rows;
        console.log(
          `| ${shape.name} | ${seed} | ${reduce} | ${f(one.measured_s)} s | ${f(two.measured_s)} s | ${f(two.capacity_ideal_s)} s | ${f(two.efficiency, 3)} | ${f(two.scalability, 3)} | ${hashes.size === 1 ? 'yes' : 'NO'} |`,
        );
      }
}

async function lab(): Promise<void> {
  const spec = fileURLToPath(new URL('../../experiments/lab/network-paper.yaml', import.meta.url));
  const dir = join(folder, 'lab');
  await execa(process.execPath, [CLI, 'lab', 'up', '--spec', spec, '--dir', dir], {stdio: 'inherit'});
  try {
    const inventory = join(dir, 'lab-inventory.yaml');
    await execa(process.execPath, [CLI, 'provision', '--inventory', inventory], {stdio: 'inherit'});
    console.log('\n## The paper lab: proportional against equal split\n');
    console.log('| hosts | seed | reduce | proportional | equal | proportional / equal | same weights |');
    console.log('|---|---:|---|---:|---:|---:|---|');
    const shape = {name: '', samples: 6000, features: 32, classes: 4, layers: '[128, 64]', batch: 1000};
    for (const seed of [0, 1])
      for (const reduce of ['central', 'ring']) {
        const combos = '[[rpi1, desktop], [rpi1, rpi2, desktop]]';
        const proportional = await bench(experiment(shape, seed, reduce, combos, 'proportional'), inventory);
        const equal = await bench(experiment(shape, seed, reduce, combos, 'equal'), inventory);
        proportional.forEach((row, i) => {
          const hashes = new Set([...row.runs, ...equal[i].runs].map((run) => run.weightsHash));
          console.log(
            `| ${row.hardware} | ${seed} | ${reduce} | ${f(row.measured_s)} s | ${f(equal[i].measured_s)} s | ${f(row.measured_s / equal[i].measured_s, 3)} | ${hashes.size === 1 ? 'yes' : 'NO'} |`,
          );
        });
      }
  } finally {
    await execa(process.execPath, [CLI, 'lab', 'down', '--dir', dir], {stdio: 'inherit'});
  }
}

console.log(`# Network benchmark on ${cpus()[0]?.model} (${cpus().length} CPUs), Node.js ${process.version}`);
console.log('Each figure the median of 3 runs after a warm-up, each sweep a fresh `cluster bench` process.');
const started = Date.now();
if (process.argv.includes('--lab')) await lab();
else await localHosts();
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s in all`);
