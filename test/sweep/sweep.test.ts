import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {runBench} from '../../src/sweep/sweep.js';
import {loadExperiment} from '../../src/config/experiment.js';
import {loadInventory} from '../../src/config/inventory.js';
import {folderWith} from '../helpers/files.js';

test('a combination whose every host is lost fails; the sweep goes on and says what happened', async (t) => {
  const folder = folderWith({
    'inventory.yaml': 'hosts:\n  a: { transport: local, cores: 1 }\n  b: { transport: local, cores: 2 }\n',
    'experiment.yaml':
      'dataset: { kind: synthetic, samples: 2000, features: 10, seed: 1 }\nforest: { trees: 40 }\ncombinations: [[a], [b], [a, b]]\nruns: 1\nwarmup: 0\n',
  });
  const tag = `sweep-${process.pid}-${Date.now()}`;
  process.env.CLUSTER_TEST_TAG = tag;
  const killed: number[] = [];
  const result = await runBench({
    experiment: loadExperiment(join(folder, 'experiment.yaml')),
    inventory: loadInventory(join(folder, 'inventory.yaml')),
    resultsDir: join(folder, 'results'),
    onProgress: (p) => {
      if (p.combination !== 2 || p.done !== 3 || killed.length > 0) return;
      // Workers start in inventory order, a then b, so b's worker has the larger pid.
      const pid = Math.max(...workerPids(tag));
      if (Number.isFinite(pid)) {
        killed.push(pid);
        process.kill(pid, 'SIGKILL');
      }
    },
  });
  t.is(killed.length, 1);
  t.deepEqual(
    result.rows.map((row) => row.status),
    ['ok', 'failed', 'ok'],
  );
  t.is(result.rows[1].error, 'host b: every host was lost: b: worker exited (killed by SIGKILL)');
  t.is(result.rows[1].measured_s, null);
  t.is(result.rows[2].runs[0].faults.length, 0, 'b was started again for the next combination');
  t.is(result.rows[2].accuracy, result.rows[0].accuracy);
  const journal = readFileSync(join(folder, 'results', `${result.id}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).kind);
  t.deepEqual(journal, ['start', 'calibration', 'run', 'failed', 'run']);
});

function workerPids(tag: string): number[] {
  return readdirSafe('/proc')
    .filter((entry) => {
      try {
        return (
          readFileSync(`/proc/${entry}/environ`, 'utf8').includes(tag) &&
          readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'cluster-worker'
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

function readdirSafe(folder: string): string[] {
  return readdirSync(folder).filter((entry) => /^\d+$/.test(entry));
}
