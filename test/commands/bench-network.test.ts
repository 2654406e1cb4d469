import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';

/** A network's experiment on the two local hosts, small enough to run in seconds. */
function networkExperiment(
  network = '{ layers: [16, 8], epochs: 8, batchSize: 100, learningRate: 0.01, seed: 3 }',
  extra = '',
): string {
  return `name: net
workload: network
dataset: { kind: synthetic, samples: 600, features: 10, informative: 5, classes: 3, seed: 2 }
network: ${network}
combinations: [[local-a], [local-a, local-b]]
runs: 2
warmup: 0
${extra}`;
}

test('bench of a network: the table, and the same weights hash in every run of every row', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/net.yaml': networkExperiment()});
  const result = await cluster(['bench', '-e', 'experiments/net.yaml', '--json', '--quiet'], folder);
  t.is(result.exitCode, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  t.is(json.workload, 'network');
  t.is(json.unit, 'chunks');
  t.like(json.network, {layers: [16, 8], epochs: 8, batchSize: 100, split: 'proportional', reduce: 'central'});
  const hashes = json.rows.flatMap((row: {runs: {weightsHash: string}[]}) => row.runs.map((run) => run.weightsHash));
  t.is(hashes.length, 4);
  t.true(
    hashes.every((hash: string) => /^[0-9a-f]{64}$/.test(hash) && hash === hashes[0]),
    hashes.join(' '),
  );
  // One core a host: the ideal halves with the second host.
  t.deepEqual(
    json.rows.map((row: {cores: number}) => row.cores),
    [1, 2],
  );
  t.true(json.rows.every((row: {efficiency: number; accuracy: number}) => row.efficiency > 0 && row.accuracy > 0.5));
  // Each host's step: computing, exchange, waiting, and its gradient and update on the wire (339 parameters).
  const steps = json.rows[1].runs[0].steps as {host: string; computeSeconds: number; bytesPerStep: number}[];
  t.deepEqual(
    steps.map((host) => host.host),
    ['local-a', 'local-b'],
  );
  t.true(steps.every((host) => host.computeSeconds > 0 && host.bytesPerStep === 2 * 8 * 339));
  const table = await cluster(['bench', '-e', 'experiments/net.yaml', '--quiet'], folder);
  t.is(table.exitCode, 0, table.stderr);
  t.regex(table.stdout, /a network of layers 16 x 8/);
  t.regex(table.stdout, /the same in every run/);
});

test("bench of a network reduced in a ring: the table says so, the weights are the central reduction's, the coordinator carries no gradients", async (t) => {
  const central = networkExperiment();
  const ring = networkExperiment(
    '{ layers: [16, 8], epochs: 8, batchSize: 100, learningRate: 0.01, seed: 3, reduce: ring }',
  );
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/central.yaml': central,
    'experiments/ring.yaml': ring,
  });
  const [a, b] = await Promise.all(
    ['central', 'ring'].map((name) =>
      cluster(['bench', '-e', `experiments/${name}.yaml`, '--json', '--quiet'], folder),
    ),
  );
  t.is(b.exitCode, 0, b.stderr);
  const hashesOf = (stdout: string) =>
    new Set(
      JSON.parse(stdout).rows.flatMap((row: {runs: {weightsHash: string}[]}) => row.runs.map((run) => run.weightsHash)),
    );
  t.deepEqual(hashesOf(b.stdout), hashesOf(a.stdout));
  t.is(hashesOf(b.stdout).size, 1);
  const json = JSON.parse(b.stdout);
  t.is(json.network.reduce, 'ring');
  // Each of 2 hosts sends and receives half of the vector (339 parameters, loss, rows, clamped) twice.
  const steps = json.rows[1].runs[0].steps as {bytesPerStep: number}[];
  t.true(
    steps.every((host) => host.bytesPerStep === (2 * 2 * 8 * 342) / 2),
    JSON.stringify(steps),
  );
  const table = await cluster(['bench', '-e', 'experiments/ring.yaml', '--quiet'], folder);
  t.regex(table.stdout, /summed exactly by the hosts in a ring/);
});

test('bench of a network on hosts of 1 and 2 cores: the Cores column and the ideal count every core, the same weights', async (t) => {
  const folder = folderWith({
    'inventory.yaml': 'hosts:\n  local-a: { transport: local, cores: 1 }\n  local-b: { transport: local, cores: 2 }\n',
    'experiments/net.yaml': networkExperiment().replace('runs: 2', 'runs: 1'),
  });
  const result = await cluster(['bench', '-e', 'experiments/net.yaml', '--json', '--quiet'], folder);
  t.is(result.exitCode, 0, result.stderr);
  const rows = JSON.parse(result.stdout).rows as {
    cores: number;
    measured_s: number;
    ideal_s: number;
    runs: {weightsHash: string; hosts: {host: string; cores: number; utilisation: number}[]}[];
  }[];
  t.deepEqual(
    rows.map((row) => row.cores),
    [1, 3],
  );
  t.is(rows[1].ideal_s.toFixed(6), (rows[0].measured_s / 3).toFixed(6));
  t.deepEqual(
    rows[1].runs[0].hosts.map(({host, cores}) => [host, cores]),
    [
      ['local-a', 1],
      ['local-b', 2],
    ],
  );
  t.true(rows[1].runs[0].hosts.every((host) => host.utilisation > 0 && host.utilisation <= 1));
  t.is(rows[1].runs[0].weightsHash, rows[0].runs[0].weightsHash);
});

for (const [what, experiment, message] of [
  [
    'network settings in a forest experiment',
    `name: f\ndataset: { kind: synthetic, samples: 100, features: 4, informative: 2, classes: 2, seed: 1 }\nforest: { trees: 2 }\nnetwork: { epochs: 2 }\ncombinations: [[local-a]]\n`,
    /^Error: experiments\/bad\.yaml:4: network: network settings in a forest experiment \(add workload: network, or remove network:\)\n$/,
  ],
  [
    'a layer of no units',
    networkExperiment('{ layers: [16, 0] }'),
    /^Error: experiments\/bad\.yaml:4: network\.layers\[1\]: must be a positive integer, got 0 \(a whole number from 1 to 8192\)\n$/,
  ],
  [
    'a learning rate of 0',
    networkExperiment('{ learningRate: 0 }'),
    /^Error: experiments\/bad\.yaml:4: network\.learningRate: must be a number above 0 up to 10, got 0\n$/,
  ],
  [
    'an unknown optimizer',
    networkExperiment('{ optimizer: lbfgs }'),
    /^Error: experiments\/bad\.yaml:4: network\.optimizer: unknown optimizer 'lbfgs' \(use one of: adam, sgd\)\n$/,
  ],
  [
    'an unknown field',
    networkExperiment('{ epoch: 3 }'),
    /^Error: experiments\/bad\.yaml:4: network\.epoch: unknown field/,
  ],
  [
    'an unknown reduction',
    networkExperiment('{ reduce: tree }'),
    /^Error: experiments\/bad\.yaml:4: network\.reduce: unknown reduce 'tree' \(use one of: central, ring\)\n$/,
  ],
  [
    'the dask engine',
    networkExperiment(undefined, 'engine: dask\n'),
    /^Error: --engine: the dask engine trains forests only \(scikit-learn's random forest\) \(train a network with --engine native or torch/,
  ],
] as const) {
  test(`a network experiment with ${what} is refused, exit 2`, async (t) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/bad.yaml': experiment});
    const result = await cluster(['bench', '-e', 'experiments/bad.yaml', '--quiet'], folder);
    t.regex(result.stderr, message);
    t.is(result.exitCode, 2);
  });
}
