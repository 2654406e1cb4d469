import {existsSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {InterruptedError} from '../../src/errors.js';
import {trainCsv} from '../../src/train/train-csv.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';

// A Ctrl-C that came while the workers started (before anything listened for it) stopped nothing:
// the training ran on and saved its model, exit 0.
test('a signal that came before the training listened still stops it: no model is saved', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS});
  writeFileSync(
    join(folder, 'd.csv'),
    ['a,b,y', ...Array.from({length: 200}, (_, i) => `${i % 13},${(i * 7) % 5},${i % 3 ? 'x' : 'z'}`)].join('\n'),
  );
  const controller = new AbortController();
  controller.abort('SIGINT');
  const request = {
    data: join(folder, 'd.csv'),
    target: 'y',
    testFraction: '0.25',
    trees: 20,
    maxFeatures: 'sqrt',
    criterion: 'gini' as const,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    seed: 1,
    trainer: 'native' as const,
    inventory: join(folder, 'inventory.yaml'),
    out: join(folder, 'm.bin'),
    signal: controller.signal,
  };
  const error = await t.throwsAsync(trainCsv(request), {instanceOf: InterruptedError});
  t.is(error!.exitCode, 130);
  t.false(existsSync(join(folder, 'm.bin')), 'no model saved');
  // A network's training stops the same way, on one local host and on two.
  for (const hosts of [undefined, 'local-a,local-b']) {
    const network = {...request, workload: 'network' as const, network: {epochs: 50}, hosts};
    t.is((await t.throwsAsync(trainCsv(network), {instanceOf: InterruptedError}))!.exitCode, 130, hosts);
    t.false(existsSync(join(folder, 'm.bin')), 'no network saved');
  }
});
