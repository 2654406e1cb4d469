import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

test('bench prints the table, saves results/ and writes the exports asked for', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const result = await cluster(
    ['bench', '--export-csv', 'out/t.csv', '--export-markdown', 'out/t.md', '--export-json', 'out/t.json'],
    folder,
  );
  t.is(result.exitCode, 0, result.stderr);
  t.regex(
    result.stdout,
    /│ Hardware +│ Cores +│ Ideal \(s\) +│ Measured \(s\) +│ Scalability +│ Efficiency +│ Faults +│/,
  );
  t.true(
    result.stdout
      .split('\n')
      .filter((line) => /^[┌│├└]/.test(line))
      .every((line) => line.length <= 100),
    'the default table fits 100 columns',
  );
  t.regex(result.stdout, /│ local-a, local-b +│ 2 +│/);
  // stderr is not a terminal here: a line per finished run, never a redrawn one.
  const time = String.raw`(\d+ s|[\d:]+)`;
  t.regex(
    result.stderr,
    new RegExp(
      String.raw`^Sweep (\S+-small): every finished run goes to results/\1\.jsonl\n(calibrating local-[ab]: its speed alone, for the schedule and the capacity ideal\n){0,2}\[1/2\] local-a: run 1/1 done in \d+\.\d s; ${time} elapsed, ~${time} left\n\[2/2\] local-a, local-b: run 1/1 done in \d+\.\d s; ${time} elapsed, ~0 s left\n$`,
    ),
  );

  const saved = readdirSync(join(folder, 'results'));
  t.deepEqual(saved.map((name) => name.replace(/^.*-small/, '')).sort(), [
    '-scaling.svg',
    '-timeline.svg',
    '.csv',
    '.json',
    '.jsonl',
    '.md',
  ]);
  const markdown = readFileSync(
    join(
      folder,
      'results',
      saved.find((name) => name.endsWith('.md'))!,
    ),
    'utf8',
  );
  t.regex(markdown, /!\[Time against cores\]\(\S+-small-scaling\.svg\)/);
  t.regex(
    readFileSync(
      join(
        folder,
        'results',
        saved.find((name) => name.endsWith('-timeline.svg'))!,
      ),
      'utf8',
    ),
    /^<svg [^>]+>[\s\S]*<rect [^>]*><title>tree 0: [\s\S]*<\/svg>\n$/,
  );
  const csv = readFileSync(join(folder, 'out/t.csv'), 'utf8').split('\n');
  t.true(csv[0].startsWith('hardware,cores,ideal_s,measured_s,scalability'));
  t.regex(csv[2], /^local-a\+local-b|^"?local-a, local-b"?,2,/);
  t.regex(
    readFileSync(join(folder, 'out/t.md'), 'utf8'),
    /^\| Hardware \| Cores \| Ideal \(s\) \| Measured \(s\) \| Scalability \|/m,
  );
  const json = JSON.parse(readFileSync(join(folder, 'out/t.json'), 'utf8'));
  t.deepEqual(
    json.rows.map((row: {hosts: string[]}) => row.hosts),
    [['local-a'], ['local-a', 'local-b']],
  );
});

test("--json prints the result and nothing else; the ideal follows the paper's formula", async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const result = await cluster(['bench', '--json', '--quiet'], folder);
  t.is(result.exitCode, 0, result.stderr);
  t.is(result.stderr, '', '--quiet: no progress');
  const json = JSON.parse(result.stdout);
  const [one, two] = json.rows;
  for (const row of json.rows) {
    for (const key of [
      'hardware',
      'hosts',
      'cores',
      'ideal_s',
      'measured_s',
      'scalability',
      'accuracy',
      'runs',
      'mean_s',
      'stddev_s',
      'median_s',
      'cv',
      'ci95_s',
      'scalability_ci95',
      'efficiency_ci95',
      'calibrated_efficiency',
      'warnings',
    ])
      t.true(key in row, key);
    t.is(row.median_s, row.measured_s);
    t.is(row.stddev_s, null, 'one run has no spread');
    t.true(row.runs.every((run: {seconds: number}) => run.seconds > 0));
  }
  t.is(one.ideal_s, one.measured_s);
  t.is(one.scalability, 1);
  t.is(two.ideal_s, (one.measured_s * one.cores) / two.cores);
  t.is(two.scalability, two.ideal_s / two.measured_s);
  t.is(two.accuracy, one.accuracy, 'the same seeds give the same forest on one host or two');
});

test('a CSV data set, with string classes, relative to the experiment file', async (t) => {
  const rows = Array.from(
    {length: 60},
    (_, i) => `${i % 3},${(i * 7) % 11},${['setosa', 'versicolor', 'virginica'][i % 3]}`,
  );
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/data/flowers.csv': `a,b,species\n${rows.join('\n')}\n`,
    'experiments/iris.yaml': smallExperiment({
      dataset: '{ kind: csv, path: data/flowers.csv, target: species }',
      forest: '{ trees: 4, maxFeatures: 2 }',
      combinations: '[[local-a]]',
    }),
  });
  const result = await cluster(['bench', '--experiment', 'experiments/iris.yaml', '--json'], folder);
  t.is(result.exitCode, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  t.is(json.dataset.classes, 3);
  t.true(json.rows[0].accuracy > 0.9, `accuracy ${json.rows[0].accuracy}`);
});

const refuses = test.macro(async (t, files: Record<string, string>, args: string[], message: string) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment(), ...files});
  const result = await cluster(['bench', ...args], folder);
  t.is(result.stderr, `Error: ${message}\n`);
  t.is(result.exitCode, 2);
  t.false(existsSync(join(folder, 'results')), 'nothing is written for a run that never started');
});

const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));
test(
  'missing inventory',
  refuses,
  {},
  ['--inventory', 'nope.yaml'],
  `nope.yaml: inventory file not found (run: cluster init (writes inventory.yaml for this machine), or pass --inventory FILE; an example with SSH hosts: ${PACKAGE}inventory.example.yaml)`,
);
test(
  'missing experiment',
  refuses,
  {},
  ['--experiment', 'experiments/nope.yaml'],
  `experiments/nope.yaml: experiment file not found (run: cluster init (writes experiments/local.yaml for this machine), or pass --experiment FILE or the name of a shipped one: local-large (${PACKAGE}experiments/local-large.yaml), local (${PACKAGE}experiments/local.yaml), network-local (${PACKAGE}experiments/network-local.yaml), paper-table1 (${PACKAGE}experiments/paper-table1.yaml))`,
);
test(
  '--hosts that no combination is made of',
  refuses,
  {'inventory.yaml': `${TWO_LOCAL_HOSTS}  local-c: { transport: local }\n`},
  ['--hosts', 'local-c'],
  '--hosts: no combination of experiments/local.yaml is made only of local-c (its combinations use local-a, local-b; name some of those, or leave out --hosts)',
);
// Brackets that were an internal error (an unescaped regular expression): each one bad input, exit 2.
for (const [hosts, message] of [
  [
    'local[a:b',
    "--hosts: 'local[a:b': unclosed '[' at character 6 (write --hosts 'local[a:b]'; ranges look like rpi[1:4], at most 1000 hosts)",
  ],
  ['a[', "--hosts: 'a[': unclosed '[' at character 2 (ranges look like rpi[1:4], at most 1000 hosts)"],
  ['[a', "--hosts: '[a': unclosed '[' at character 1 (ranges look like rpi[1:4], at most 1000 hosts)"],
  ['*[', "--hosts: '*[': unclosed '[' at character 2 (ranges look like rpi[1:4], at most 1000 hosts)"],
  [
    'local-a]',
    "--hosts: 'local-a]': ']' at character 8 closes no '[' (write --hosts local-a; ranges look like rpi[1:4], at most 1000 hosts)",
  ],
])
  test(`--hosts '${hosts}': a malformed range`, refuses, {}, ['--hosts', hosts], message);
test(
  'YAML syntax error',
  refuses,
  {'inventory.yaml': 'hosts:\n  a: [\n'},
  [],
  'inventory.yaml:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (fix the YAML syntax)',
);
test(
  'unknown host in a combination',
  refuses,
  {'experiments/local.yaml': smallExperiment({combinations: '\n  - [local-a]\n  - [local-a, rpi1]'})},
  [],
  "experiments/local.yaml:6: combinations[1][1]: unknown host 'rpi1' (hosts in inventory.yaml: local-a, local-b)",
);
test(
  'non-positive cores',
  refuses,
  {'inventory.yaml': 'hosts:\n  local-a: { transport: local, cores: -1 }\n'},
  [],
  'inventory.yaml:2: hosts.local-a.cores: must be a positive integer, got -1 (cores is how many trees the host trains at once)',
);
test(
  'non-integer cores',
  refuses,
  {'inventory.yaml': 'hosts:\n  local-a: { transport: local, cores: two }\n'},
  [],
  "inventory.yaml:2: hosts.local-a.cores: must be a positive integer, got 'two' (cores is how many trees the host trains at once)",
);
test(
  'duplicate host',
  refuses,
  {'inventory.yaml': `${TWO_LOCAL_HOSTS}  local-a: { transport: local }\n`},
  [],
  'inventory.yaml:4: duplicate key (each name may appear once; remove or rename one of them)',
);
test(
  'unknown transport',
  refuses,
  {'inventory.yaml': 'hosts:\n  local-a: { transport: docker }\n'},
  [],
  "inventory.yaml:2: hosts.local-a.transport: unknown transport 'docker' (use one of: ssh, local)",
);
test(
  'ssh host without address',
  refuses,
  {'inventory.yaml': `${TWO_LOCAL_HOSTS}  rpi1: { cores: 4 }\n`},
  [],
  "inventory.yaml:4: hosts.rpi1: ssh host 'rpi1' has no address (add address: (an IP, a host name or a ~/.ssh/config alias), or set transport: local; see docs/inventories.md)",
);
test(
  'baseline not among the combinations',
  refuses,
  {'experiments/local.yaml': smallExperiment({extra: 'baseline: [local-b]\n'})},
  [],
  'experiments/local.yaml:7: baseline: baseline [local-b] is not among the combinations (copy one of the combinations, or remove baseline: to use the first)',
);
test(
  'unknown trainer',
  refuses,
  {'experiments/local.yaml': smallExperiment({forest: '{ trees: 4, trainer: sklearn }'})},
  [],
  "experiments/local.yaml:3: forest.trainer: unknown trainer 'sklearn' (use one of: native, ml-random-forest)",
);
test(
  'CSV without the target column',
  refuses,
  {
    'experiments/data.csv': 'a,b\n1,2\n3,4\n',
    'experiments/local.yaml': smallExperiment({dataset: '{ kind: csv, path: data.csv, target: label }'}),
  },
  [],
  "data.csv:1: label: no column named 'label' (columns: a, b) (set the target to one of the header names)",
);
test(
  'non-numeric feature cell',
  refuses,
  {
    'experiments/data.csv': 'a,b,label\n1,2,x\n3,4,y\n5,six,x\n',
    'experiments/local.yaml': smallExperiment({dataset: '{ kind: csv, path: data.csv, target: label }'}),
  },
  [],
  "data.csv:4:2: b: 'six' is not a number (the rows above hold numbers here: fix the cell (a column whose first value is a word is read as text, as categories))",
);
test(
  'CSV file missing',
  refuses,
  {'experiments/local.yaml': smallExperiment({dataset: '{ kind: csv, path: missing.csv, target: label }'})},
  [],
  'missing.csv: data file not found (check the path)',
);
test(
  'a single class',
  refuses,
  {
    'experiments/data.csv': 'a,label\n1,x\n2,x\n3,x\n4,x\n',
    'experiments/local.yaml': smallExperiment({dataset: '{ kind: csv, path: data.csv, target: label }'}),
  },
  [],
  "data.csv: label: only one class ('x') among the training rows (testFraction 0.25 holds out 1 of the 4 rows) (a classifier needs rows of at least two classes)",
);
test(
  'a test fraction that leaves one training row (was trained on, with an accuracy)',
  refuses,
  {'experiments/local.yaml': smallExperiment({extra: 'testFraction: 0.999\n'})},
  [],
  'experiments/local.yaml: only 1 training row (testFraction 0.999 holds out 299 of the 300 rows) (a tree needs at least 2 rows to split)',
);

// Both were written, the second over the first: x.csv held the JSON and the CSV was lost.
test(
  'two exports to one file',
  refuses,
  {},
  ['--export-csv', 'x.csv', '--export-json', './x.csv'],
  "--export-json: './x.csv' is the file --export-csv writes too: one would overwrite the other (give each export a file of its own)",
);
test(
  'an empty export',
  refuses,
  {},
  ['--export-markdown', ''],
  '--export-markdown is empty: give it a value, or leave the flag out (see: cluster bench --help)',
);
test(
  'an export onto a journal',
  refuses,
  {},
  ['--export-json', 'results/old.jsonl'],
  "--export-json: 'results/old.jsonl' is named as a sweep's journal (*.jsonl) in the results folder, which no export may replace (name a file outside what the sweep keeps in results)",
);
test(
  'an export onto a file the resumed sweep writes',
  refuses,
  {},
  ['--resume', 'abc', '--export-csv', 'results/abc.json'],
  "--export-csv: 'results/abc.json' is a file the sweep itself writes (it is saved there anyway), which no export may replace (name a file outside what the sweep keeps in results)",
);

test('--json turns an input error into a JSON object', async (t) => {
  const folder = folderWith({
    'inventory.yaml': 'hosts:\n  local-a: { transport: local, cores: 0 }\n',
    'experiments/local.yaml': smallExperiment(),
  });
  const result = await cluster(['bench', '--json'], folder);
  t.is(result.exitCode, 2);
  t.deepEqual(JSON.parse(result.stdout), {
    error: {
      kind: 'input',
      exitCode: 2,
      message:
        'inventory.yaml:2: hosts.local-a.cores: must be a positive integer, got 0 (cores is how many trees the host trains at once)',
    },
  });
});

test(
  '--runs out of bounds',
  refuses,
  {},
  ['--runs', '0'],
  "--runs: must be a whole number from 1 to 1000, got '0' (e.g. --runs 3)",
);
test(
  '--warmup not a number',
  refuses,
  {},
  ['--warmup', 'two'],
  "--warmup: must be a whole number from 0 to 1000, got 'two' (e.g. --warmup 2)",
);
test(
  'unknown --order',
  refuses,
  {},
  ['--order', 'random'],
  "--order: unknown order 'random' (use one of: interleaved, sequential)",
);
test(
  'unknown order in the experiment',
  refuses,
  {'experiments/local.yaml': smallExperiment({extra: 'order: random\n'})},
  [],
  "experiments/local.yaml:7: order: unknown order 'random' (use one of: interleaved, sequential)",
);

const runOrder = (journal: string) =>
  readFileSync(journal, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.kind === 'run')
    .map((line) => `${'ab'[line.combination]}${line.warmup ? 'w' : ''}${line.run}`)
    .join(' ');

test('runs are interleaved by default: after the warm-ups, measured runs alternate; --order sequential and --runs/--warmup override', async (t) => {
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/local.yaml': smallExperiment({extra: 'warmup: 1\nruns: 2\n'}).replace('runs: 1\nwarmup: 0\n', ''),
  });
  const interleaved = await cluster(['bench', '--json'], folder);
  t.is(interleaved.exitCode, 0, interleaved.stderr);
  const first = JSON.parse(interleaved.stdout);
  t.is(first.order, 'interleaved');
  t.is(runOrder(join(folder, 'results', `${first.id}.jsonl`)), 'aw1 bw1 a2 b2 a3 b3');
  t.deepEqual(
    first.rows.map((row: {runs: unknown[]; warmup: unknown[]}) => [row.warmup.length, row.runs.length]),
    [
      [1, 2],
      [1, 2],
    ],
  );

  const sequential = await cluster(
    ['bench', '--json', '--order', 'sequential', '--runs', '3', '--warmup', '0'],
    folder,
  );
  t.is(sequential.exitCode, 0, sequential.stderr);
  const second = JSON.parse(sequential.stdout);
  t.is(second.order, 'sequential');
  t.is(runOrder(join(folder, 'results', `${second.id}.jsonl`)), 'a1 a2 a3 b1 b2 b3');
  for (const row of second.rows) {
    t.is(row.runs.length, 3);
    t.is(row.mean_s, row.runs.reduce((sum: number, run: {seconds: number}) => sum + run.seconds, 0) / 3);
    t.true(row.ci95_s[0] <= row.mean_s && row.mean_s <= row.ci95_s[1]);
    t.true(row.efficiency > 0 && row.efficiency <= 1, `efficiency ${row.efficiency} is at most 1 by construction`);
  }
  t.deepEqual(second.rows[0].scalability_ci95, [1, 1]);
});

test(
  'unknown schedule',
  refuses,
  {'experiments/local.yaml': smallExperiment({extra: 'schedule: random\n'})},
  [],
  "experiments/local.yaml:7: schedule: unknown schedule 'random' (use one of: dynamic, static-cores, static-calibrated)",
);

test("every schedule gives the same forest; --schedule overrides the experiment's", async (t) => {
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/local.yaml': smallExperiment({extra: 'schedule: static-cores\n'}),
  });
  const accuracies = [];
  for (const schedule of ['dynamic', 'static-cores', 'static-calibrated']) {
    const result = await cluster(['bench', '--json', '--schedule', schedule], folder);
    t.is(result.exitCode, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    t.is(json.schedule, schedule);
    t.deepEqual(Object.keys(json.calibration), ['local-a', 'local-b']);
    for (const row of json.rows) {
      t.true(row.capacity_ideal_s > 0 && row.efficiency > 0);
      t.deepEqual(row.runs[0].faults, []);
      t.deepEqual(Object.keys(row.runs[0].hosts[0]).sort(), [
        'cores',
        'host',
        'items',
        'reexecuted',
        'shipSeconds',
        'shippedBytes',
        'trainSeconds',
        'utilisation',
        'waitSeconds',
      ]);
    }
    accuracies.push(json.rows.map((row: {accuracy: number}) => row.accuracy));
  }
  t.deepEqual(accuracies[1], accuracies[0]);
  t.deepEqual(accuracies[2], accuracies[0]);
});

test("status --calibrate measures each host on the experiment's data set", async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const result = await cluster(['status', '--calibrate', '--json'], folder);
  t.is(result.exitCode, 0, result.stderr);
  const statuses = JSON.parse(result.stdout);
  t.deepEqual(
    statuses.map((s: {host: string}) => s.host),
    ['local-a', 'local-b'],
  );
  t.true(statuses.every((s: {treesPerSecond: number; ready: boolean}) => s.ready && s.treesPerSecond > 0));
});

// Found only when the sweep ended, after all its runs: refused before any, as train --out is.
test(
  'an export at a folder',
  refuses,
  {'a-folder/keep.txt': 'x\n'},
  ['--export-csv', 'a-folder'],
  "--export-csv: 'a-folder' is a folder (name a file in it)",
);
test(
  'an export below a file',
  refuses,
  {'f.txt': 'x\n'},
  ['--export-markdown', 'f.txt/sub/t.md'],
  "--export-markdown: 'f.txt' is a file, where 'f.txt/sub/t.md' needs a folder (choose another path)",
);
