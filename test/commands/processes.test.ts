import {randomUUID} from 'node:crypto';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {processesTagged, waitFor} from '../helpers/processes.js';

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
// Long enough to be interrupted: about 30 s of training if left alone.
const LONG = smallExperiment({dataset: '{ kind: synthetic, samples: 1500, features: 20, seed: 2 }', forest: '{ trees: 200, maxFeatures: 1.0 }'});

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
  }, 20_000);
  t.is(workers.length, 2);
  bench.kill('SIGINT');
  const result = await bench;
  t.is(result.exitCode, 130);
  t.regex(result.stderr, /^Error: interrupted by SIGINT; finished results were kept; continue with: cluster bench --resume \S+-small$/);
  t.deepEqual(processesTagged(tag), [], 'no process is left behind');
});

test('no worker outlives a finished bench', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const tag = `tag-${randomUUID()}`;
  const result = await startBench(folder, tag);
  t.is(result.exitCode, 0, String(result.stderr));
  t.deepEqual(processesTagged(tag), []);
});
