import {existsSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

// A file name is text from outside too (a script's variable, a pasted name): the success lines that
// print it show its escape sequences escaped, never sent raw to the terminal.

const DATA = `a,b,y\n${Array.from({length: 40}, (_, i) => `${i},${(i * 7) % 5},${i % 2 ? 'odd' : 'even'}`).join('\n')}\n`;
const HOSTS = 'hosts:\n  local-a: { transport: local, cores: 1 }\n';
const SWEEP =
  'name: sweep\ndataset: { kind: synthetic, samples: 200, features: 4, informative: 2, classes: 2, seed: 1 }\nforest: { trees: 2, seed: 7 }\ncombinations: [[local-a]]\nruns: 1\nwarmup: 0\n';
/** Sets the terminal's title, then turns the text red. */
const HOSTILE = 'x\u001b]0;pwned\u0007\u001b[31m';
const SHOWN = 'x\\x1b]0;pwned\\x07\\x1b[31m';

test('train, predict, init and bench print the names they wrote with their escape sequences escaped', async (t) => {
  const folder = folderWith({'d.csv': DATA, 'hosts.yaml': HOSTS, 'sweep.yaml': SWEEP});
  const trained = await cluster(
    ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1', '--out', `${HOSTILE}.bin`],
    folder,
  );
  t.is(trained.exitCode, 0, trained.stderr);
  t.true(existsSync(join(folder, `${HOSTILE}.bin`)), 'the file is written under the name given');
  t.true(trained.stdout.includes(`Model saved to ${SHOWN}.bin.`), trained.stdout);
  const predicted = await cluster(
    ['predict', '--model', `${HOSTILE}.bin`, '--data', 'd.csv', '--out', `${HOSTILE}.csv`],
    folder,
  );
  t.is(predicted.exitCode, 0, predicted.stderr);
  t.true(predicted.stdout.includes(`predictions to ${SHOWN}.csv.`), predicted.stdout);
  const init = await cluster(['init', HOSTILE], folder);
  t.is(init.exitCode, 0, init.stderr);
  t.true(init.stdout.includes(`cd ${SHOWN} && cluster bench`), init.stdout);
  writeFileSync(join(folder, 'hosts.yml'), HOSTS);
  const bench = await cluster(
    ['bench', '-i', 'hosts.yaml', '-e', 'sweep.yaml', '--quiet', '--export-csv', `${HOSTILE}.csv`],
    folder,
  );
  t.is(bench.exitCode, 0, bench.stderr);
  t.true(bench.stdout.includes(`${SHOWN}.csv`), bench.stdout);
  for (const run of [trained, predicted, init, bench])
    t.false(/[\u001b\u0007]/.test(run.stdout + run.stderr), 'no escape reaches the terminal raw');
});
