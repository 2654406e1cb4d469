import {randomUUID} from 'node:crypto';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {processesTagged, waitFor} from '../helpers/processes.js';

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
// Long enough to be interrupted: about 30 s of training if left alone.
const LONG = smallExperiment({
  dataset: '{ kind: synthetic, samples: 1500, features: 20, seed: 2 }',
  forest: '{ trees: 200, maxFeatures: 1 }',
});

function startBench(folder: string, tag: string) {
  return execa(process.execPath, [RUN, 'bench'], {cwd: folder, reject: false, env: {CLUSTER_TEST_TAG: tag}});
}

test('workers are titled cluster-worker, and Ctrl-C stops them all and exits 130', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': LONG});
  const tag = `tag-${randomUUID()}`;
  const bench = startBench(folder, tag);
  const workers = await waitFor(() => {
    const titled = processesTagged(tag).filter((p) => p.title === 'cluster-worker');
    return titled.length === 2 ? titled : undefined;
  });
  t.is(workers.length, 2);
  bench.kill('SIGINT');
  const result = await bench;
  t.is(result.exitCode, 130);
  t.regex(
    result.stderr,
    /^Error: interrupted by SIGINT; finished results were kept; continue with: cluster bench --resume \S+-small$/m,
  );
  t.deepEqual(processesTagged(tag), [], 'no process is left behind');
});

test('no worker outlives a finished bench', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const tag = `tag-${randomUUID()}`;
  const result = await startBench(folder, tag);
  t.is(result.exitCode, 0, String(result.stderr));
  t.deepEqual(processesTagged(tag), []);
});

const resumes = test.macro(async (t, order: 'interleaved' | 'sequential') => {
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/local.yaml': smallExperiment({
      dataset: '{ kind: synthetic, samples: 3000, features: 20, seed: 2 }',
      forest: '{ trees: 60 }',
      extra: `runs: 2\norder: ${order}\n`,
    }).replace('runs: 1\n', ''),
  });
  const tag = `tag-${randomUUID()}`;
  const bench = startBench(folder, tag);
  // Wait until at least one run is in the journal, then interrupt.
  const journal = await waitFor(() => {
    const files = existsSync(join(folder, 'results'))
      ? readdirSync(join(folder, 'results')).filter((f) => f.endsWith('.jsonl'))
      : [];
    const file = files[0] && join(folder, 'results', files[0]);
    return file && readFileSync(file, 'utf8').includes('"kind":"run"') ? file : undefined;
  });
  bench.kill('SIGINT');
  const interrupted = await bench;
  t.is(interrupted.exitCode, 130);
  const id = /--resume (\S+)$/.exec(String(interrupted.stderr))?.[1];
  t.truthy(id, String(interrupted.stderr));
  const finishedBefore = readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"kind":"run"')).length;
  t.true(finishedBefore >= 1 && finishedBefore < 4);
  t.deepEqual(processesTagged(tag), []);

  const resumed = await execa(process.execPath, [RUN, 'bench', '--resume', id!, '--json'], {
    cwd: folder,
    reject: false,
    env: {CLUSTER_TEST_TAG: tag},
  });
  t.is(resumed.exitCode, 0, String(resumed.stderr));
  const result = JSON.parse(String(resumed.stdout));
  t.is(result.id, id);
  t.deepEqual(
    result.rows.map((row: {runs: unknown[]}) => row.runs.length),
    [2, 2],
  );
  const runLines = readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"kind":"run"')).length;
  t.is(runLines, 4, 'the resumed sweep ran only what was missing');
  t.is(result.order, order);
  const pairs = readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"kind":"run"'))
    .map((line) => JSON.parse(line))
    .map((line) => `${line.combination}:${line.run}`);
  // combination:run, each once, in the order asked for across the interruption.
  t.deepEqual(pairs, order === 'interleaved' ? ['0:1', '1:1', '0:2', '1:2'] : ['0:1', '0:2', '1:1', '1:2']);
  for (const ext of ['csv', 'md', 'json']) t.true(existsSync(join(folder, 'results', `${id}.${ext}`)), ext);
  t.deepEqual(processesTagged(tag), []);
});

test(
  'Ctrl-C mid-sweep keeps the finished runs; --resume finishes an interleaved sweep with complete exports',
  resumes,
  'interleaved',
);
test(
  'Ctrl-C mid-sweep keeps the finished runs; --resume finishes a sequential sweep with complete exports',
  resumes,
  'sequential',
);

test('--resume refuses an id that does not exist', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const result = await execa(process.execPath, [RUN, 'bench', '--resume', 'nope'], {cwd: folder, reject: false});
  t.is(result.exitCode, 2);
  t.is(
    result.stderr,
    'Error: results/nope.jsonl: no such interrupted sweep (--resume takes an id printed by an earlier bench (files in results/*.jsonl))',
  );
});
