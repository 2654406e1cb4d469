import {chmodSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {daskProcesses} from '../helpers/processes.js';

// scikit-learn and dask/distributed come from Debian's packages (CI installs them): /usr/bin/python3.
const experiment = smallExperiment({
  dataset: '{ kind: synthetic, samples: 2000, features: 8, informative: 4, classes: 2, seed: 1 }',
  forest: '{ trees: 30, seed: 7 }',
});

test.serial(
  'bench --engine native,dask: both tables, the comparison, engine on every row, no dask process left',
  async (t) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': experiment});
    const tag = `dask-both-${process.pid}-${Date.now()}`;
    const result = await cluster(['bench', '--engine', 'native,dask', '--export-csv', 'out/t.csv'], folder, {
      CLUSTER_TEST_TAG: tag,
    });
    t.is(result.exitCode, 0, result.stderr);
    t.regex(result.stdout, /^Engine native:\n┌/);
    t.regex(result.stdout, /\nEngine dask:\n┌[\s\S]*scikit-learn's RandomForestClassifier through Dask/);
    t.regex(
      result.stdout,
      /Engines side by side[^\n]*\n[\s\S]*│ Hardware +│ Cores │ native \(s\) │ dask \(s\) │ dask \/ native │ native accuracy │ dask accuracy │/,
    );
    t.regex(result.stdout, /│ local-a, local-b +│ 2 +│ \d+\.\d\d +│ \d+\.\d\d +│ \d+\.\d\d +│ 0\.\d{4} +│ 0\.\d{4} +│/);
    t.deepEqual(readdirSync(join(folder, 'out')).sort(), ['t-dask.csv', 't-native.csv']);
    t.regex(readFileSync(join(folder, 'out/t-dask.csv'), 'utf8'), /^hardware,cores,.*,engine\nlocal-a,1,.*,dask\n/);

    const saved = readdirSync(join(folder, 'results')).filter((name) => name.endsWith('.json'));
    const results = saved.map((name) => JSON.parse(readFileSync(join(folder, 'results', name), 'utf8')));
    const byEngine: Record<
      string,
      {
        engine: string;
        rows: {
          engine: string;
          accuracy: number;
          status: string;
          runs: {timeline: {index: number}[]; hosts: {host: string; items: number}[]}[];
        }[];
      }
    > = Object.fromEntries(results.map((r) => [r.engine, r]));
    t.deepEqual(Object.keys(byEngine).sort(), ['dask', 'native']);
    for (const [engine, r] of Object.entries(byEngine))
      t.true(r.rows.every((row: {engine: string}) => row.engine === engine));
    // Each engine's saved result carries its capacity model (null when its rows cannot fit one), as a single-engine sweep's does.
    for (const r of results) t.true(Object.hasOwn(r, 'model'), `${r.engine} result has a model field`);
    const dask = byEngine.dask.rows[1];
    t.is(dask.status, 'ok');
    t.true(
      Math.abs(dask.accuracy - byEngine.native.rows[1].accuracy) <= 0.02,
      `dask ${dask.accuracy}, native ${byEngine.native.rows[1].accuracy}`,
    );
    // The timeline names the hosts that trained each tree, from Dask's workers.
    const run = dask.runs[0];
    t.deepEqual(
      run.timeline.map((entry: {index: number}) => entry.index),
      Array.from({length: 30}, (_, i) => i),
    );
    t.deepEqual(
      run.hosts.map((host: {host: string}) => host.host),
      ['local-a', 'local-b'],
    );
    t.is(
      run.hosts.reduce((sum: number, host: {items: number}) => sum + host.items, 0),
      30,
    );
    t.deepEqual(daskProcesses(tag), []);
  },
);

const refuses = test.macro(
  async (t, files: Record<string, string>, args: string[], message: string | RegExp, exitCode: number) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': experiment, ...files});
    for (const name of Object.keys(files).filter((name) => name.endsWith('python')))
      chmodSync(join(folder, name), 0o755);
    const result = await cluster(['bench', ...args], folder);
    if (typeof message === 'string') t.is(result.stderr, `Error: ${message}\n`);
    else t.regex(result.stderr, message);
    t.is(result.exitCode, exitCode);
  },
);

test(
  'an unknown engine',
  refuses,
  {},
  ['--engine', 'native,spark'],
  "--engine: unknown engine 'spark' (use one of: native, dask, torch, or several separated by commas)",
  2,
);
test(
  'an engine named twice',
  refuses,
  {},
  ['--engine', 'dask,dask'],
  "--engine: engine 'dask' is named twice (name each engine once)",
  2,
);
test(
  'an unknown engine in the experiment',
  refuses,
  {'experiments/local.yaml': `${experiment}engine: spark\n`},
  [],
  "experiments/local.yaml:7: engine: unknown engine 'spark' (use one of: native, dask, torch)",
  2,
);
test(
  '--resume with several engines',
  refuses,
  {},
  ['--engine', 'native,dask', '--resume', 'x'],
  '--resume: a sweep is resumed one engine at a time (add --engine with the engine it ran)',
  2,
);
test(
  'a coordinator python that is not there',
  refuses,
  {'inventory.yaml': `python: /nonexistent/python3\n${TWO_LOCAL_HOSTS}`},
  ['--engine', 'dask'],
  "inventory.yaml:1: python: python '/nonexistent/python3' is not there (name an installed python3, or remove python: to use the first python3 that imports sklearn and distributed)",
  2,
);
test(
  'a host whose python has no dask is refused, with the install command',
  refuses,
  {
    'inventory.yaml':
      'hosts:\n  local-a: { transport: local, cores: 1, python: ./no-dask-python }\n  local-b: { transport: local, cores: 1 }\n',
    'no-dask-python':
      '#!/bin/sh\n# Without site-packages: no numpy, scikit-learn or dask.\nexec /usr/bin/python3 -S "$@"\n',
  },
  ['--engine', 'dask'],
  /^Error: host local-a: \.\/no-dask-python cannot run the dask engine \(ModuleNotFoundError: No module named 'dask'\); install scikit-learn and dask\/distributed: sudo apt install python3-sklearn python3-distributed \(Debian, Raspberry Pi OS\), or: python3 -m pip install scikit-learn distributed\n$/,
  3,
);

const NO_DASK_PYTHON =
  '#!/bin/sh\n# Without site-packages: no numpy, scikit-learn or dask.\nexec /usr/bin/python3 -S "$@"\n';

test("provision --engine dask checks each host's Python and refuses one without dask, with the install command", async (t) => {
  const folder = folderWith({
    'inventory.yaml':
      'hosts:\n  local-a: { transport: local, cores: 1, python: ./no-dask-python }\n  local-b: { transport: local, cores: 1 }\n',
    'no-dask-python': NO_DASK_PYTHON,
  });
  chmodSync(join(folder, 'no-dask-python'), 0o755);
  const result = await cluster(['provision', '--engine', 'dask'], folder);
  t.is(result.exitCode, 3, result.stderr);
  t.regex(result.stdout, /│ Host +│ Dask engine │ Python +│ scikit-learn │ dask +│ distributed +│/);
  t.regex(result.stdout, /│ local-a +│ FAILED +│/);
  t.regex(result.stdout, /│ local-b +│ ok +│ \/\S+python3 3\.\d+\.\d+ +│ \d+\.\d+\.\d+ +│/);
  t.true(
    result.stdout.endsWith(
      "Error: host local-a: ./no-dask-python cannot run the dask engine (ModuleNotFoundError: No module named 'dask'); install scikit-learn and dask/distributed: sudo apt install python3-sklearn python3-distributed (Debian, Raspberry Pi OS), or: python3 -m pip install scikit-learn distributed\n",
    ),
    result.stdout,
  );
});

test('status shows whether each host can run the dask engine', async (t) => {
  const folder = folderWith({
    'inventory.yaml':
      'hosts:\n  local-a: { transport: local, cores: 1, python: ./no-dask-python }\n  local-b: { transport: local, cores: 1 }\n',
    'no-dask-python': NO_DASK_PYTHON,
  });
  chmodSync(join(folder, 'no-dask-python'), 0o755);
  const result = await cluster(['status', '--json'], folder);
  t.is(result.exitCode, 0, result.stderr);
  const [a, b] = JSON.parse(result.stdout);
  t.is(a.dask, null);
  t.true(
    a.warnings.some((w: string) =>
      w.startsWith(
        "dask engine: ./no-dask-python cannot run the dask engine (ModuleNotFoundError: No module named 'dask'); install",
      ),
    ),
    a.warnings.join(),
  );
  t.regex(b.dask.sklearn, /^\d+\.\d+\.\d+$/);
  t.regex(b.dask.path, /python3$/);
});

test(
  "a host whose versions differ from the coordinator's is refused, naming both sides",
  refuses,
  {
    'inventory.yaml':
      'hosts:\n  local-a: { transport: local, cores: 1, python: ./old-python }\n  local-b: { transport: local, cores: 1 }\n',
    // Answers the version probe as an older Debian would.
    'old-python':
      '#!/bin/sh\necho \'{"python": "3.9.2", "dask": "2021.01.0", "distributed": "2021.01.0", "sklearn": "0.23.2"}\'\n',
  },
  ['--engine', 'dask'],
  /^Error: host local-a: Python 3\.9 \(\.\/old-python\) against 3\.\d+ on the coordinator \(\/\S+python3\); dask 2021\.01\.0 \(\.\/old-python\) against \S+ on the coordinator \(\/\S+python3\); distributed 2021\.01\.0 \(\.\/old-python\) against \S+ on the coordinator \(\/\S+python3\); scikit-learn 0\.23\.2 \(\.\/old-python\) against \S+ on the coordinator \(\/\S+python3\): Dask needs the same versions everywhere; install them \(sudo apt install python3-sklearn python3-distributed \(Debian, Raspberry Pi OS\), or: python3 -m pip install scikit-learn distributed\)\n$/,
  3,
);
test(
  'a bad --scheduler address',
  refuses,
  {},
  ['--scheduler', 'http://desktop:8786'],
  "--scheduler: 'http://desktop:8786' is not a Dask scheduler address (write tcp://HOST:PORT, e.g. tcp://192.168.1.10:8786)",
  2,
);
test(
  'a bad scheduler in the experiment',
  refuses,
  {'experiments/local.yaml': `${experiment}scheduler: tcp://desktop\n`},
  [],
  "experiments/local.yaml:7: scheduler: 'tcp://desktop' is not a Dask scheduler address (write tcp://HOST:PORT, e.g. tcp://192.168.1.10:8786)",
  2,
);
