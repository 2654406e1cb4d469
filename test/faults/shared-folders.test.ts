import {lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {cluster} from '../helpers/cli.js';
import {clusterWithPid, plantAtPidNames, plantLink, sharedFolder} from '../helpers/shared-folder.js';

// Another local user who can write a folder we write into (/tmp: sticky, world-writable) plants
// links at the names we will write, to make us overwrite a file of their choosing. With the kernel's
// fs.protected_symlinks off (as here), only the toolkit's own care stops them.

const DATA = `a,b,y\n${Array.from({length: 40}, (_, i) => `${i},${(i * 7) % 5},${i % 2 ? 'odd' : 'even'}`).join('\n')}\n`;
const HOSTS = 'hosts:\n  local-a: { transport: local, cores: 1 }\n';
const SWEEP =
  'name: sweep\ndataset: { kind: synthetic, samples: 200, features: 4, informative: 2, classes: 2, seed: 1 }\nforest: { trees: 2, seed: 7 }\ncombinations: [[local-a]]\nruns: 1\nwarmup: 0\n';

/** A shared folder, with data and a model of ours beside it. */
async function withModel(t: ExecutionContext) {
  const {folder, shared, victim} = sharedFolder();
  writeFileSync(join(folder, 'd.csv'), DATA);
  const trained = await cluster(
    ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1', '--out', 'm.bin'],
    folder,
  );
  t.is(trained.exitCode, 0, trained.stderr);
  return {folder, shared, victim};
}

/** The victim as it was, each planted link still a link to it, and no name made in `folder` but `expected`. */
function untouched(t: ExecutionContext, victim: string, planted: string[], folder: string, expected: string[]) {
  t.is(readFileSync(victim, 'utf8'), 'precious\n', 'the file the links point to is untouched');
  for (const link of planted) t.true(lstatSync(link).isSymbolicLink(), `${link} is still the planted link`);
  t.deepEqual(
    readdirSync(folder).sort(),
    [...expected, ...planted.map((link) => link.slice(folder.length + 1))].sort(),
    'no other name was made',
  );
}

test('predict --out into a shared folder: a link at the pid-named temporary file is not written through', async (t) => {
  const {folder, shared, victim} = await withModel(t);
  const out = join(shared, 'p.csv');
  let planted: string[] = [];
  const predicted = await clusterWithPid(
    ['predict', '--model', 'm.bin', '--data', 'd.csv', '--out', out],
    folder,
    (pid) => (planted = plantAtPidNames(pid, {victim, outs: [out]})),
  );
  t.is(predicted.exitCode, 0, predicted.stderr);
  t.regex(readFileSync(out, 'utf8'), /^prediction\n(odd|even)\n/);
  untouched(t, victim, planted, shared, ['p.csv']);
});

test('train --out into a shared folder: a link at the pid-named temporary file is not written through', async (t) => {
  const {folder, shared, victim} = sharedFolder();
  writeFileSync(join(folder, 'd.csv'), DATA);
  const out = join(shared, 'm.bin');
  let planted: string[] = [];
  const trained = await clusterWithPid(
    ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1', '--out', out],
    folder,
    (pid) => (planted = plantAtPidNames(pid, {victim, outs: [out]})),
  );
  t.is(trained.exitCode, 0, trained.stderr);
  t.is(readFileSync(out).subarray(0, 4).length, 4);
  untouched(t, victim, planted, shared, ['m.bin']);
});

test('a link another user planted at the output name itself is refused before any work, for predict, train and bench exports', async (t) => {
  const {folder, shared, victim} = await withModel(t);
  writeFileSync(join(folder, 'hosts.yaml'), HOSTS);
  writeFileSync(join(folder, 'sweep.yaml'), SWEEP);
  const out = join(shared, 'out.csv');
  plantLink(victim, out);
  const refusal = (flag: string) =>
    `Error: ${flag}: '${out}' is a symbolic link (to ${victim}) owned by another user (uid 65534): writing through it would overwrite whatever file they chose (remove the link, or name a file in a folder only you can write)\n`;
  const runs = await Promise.all([
    cluster(['predict', '--model', 'm.bin', '--data', 'd.csv', '--out', out], folder),
    cluster(['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1', '--out', out], folder),
    cluster(['bench', '-i', 'hosts.yaml', '-e', 'sweep.yaml', '--export-csv', out], folder),
  ]);
  for (const [i, run] of runs.entries()) {
    t.is(run.stderr, refusal(i === 2 ? '--export-csv' : '--out'));
    t.is(run.exitCode, 2);
    t.is(run.stdout, '', 'nothing was done');
  }
  untouched(t, victim, [out], shared, []);
});

test('bench with its results and exports in a shared folder: links at the pid-named probe, drafts and lock drafts are not written through', async (t) => {
  const {folder, shared, victim} = sharedFolder();
  writeFileSync(join(folder, 'hosts.yaml'), HOSTS);
  writeFileSync(join(folder, 'sweep.yaml'), SWEEP);
  const exports = ['t.csv', 't.md', 't.json', 't-timeline.svg', 't-scaling.svg'].map((name) => join(shared, name));
  const flags = ['--export-csv', '--export-markdown', '--export-json', '--export-timeline', '--export-scaling'].flatMap(
    (flag, i) => [flag, exports[i]],
  );
  const args = ['bench', '-i', 'hosts.yaml', '-e', 'sweep.yaml', '--results-dir', shared, '--quiet', ...flags];
  let planted: string[] = [];
  const first = await clusterWithPid(args, folder, (pid) => {
    planted = plantAtPidNames(pid, {victim, outs: exports});
    plantLink(victim, join(shared, `.write-test-${pid}`));
    planted.push(join(shared, `.write-test-${pid}`));
  });
  t.is(first.exitCode, 0, first.stderr);
  const id = readdirSync(shared)
    .find((name) => name.endsWith('.jsonl'))!
    .slice(0, -'.jsonl'.length);
  const own = [`${id}.jsonl`, `${id}.csv`, `${id}.json`, `${id}.md`, `${id}-timeline.svg`, `${id}-scaling.svg`];
  untouched(t, victim, planted, shared, [...own, ...exports.map((path) => path.slice(shared.length + 1))]);
  t.is(readFileSync(exports[0], 'utf8').split('\n')[0].split(',')[0], 'hardware');

  // Resumed, the id is known: the lock's draft and the result files' drafts were named from the pid.
  const resumed = await clusterWithPid([...args, '--resume', id], folder, (pid) => {
    const lock = join(shared, `${id}.lock`);
    for (const at of [`${lock}.${pid}`, `${lock}.stale.${pid}`]) {
      plantLink(victim, at);
      planted.push(at);
    }
    planted.push(...plantAtPidNames(pid, {victim, outs: own.slice(1).map((name) => join(shared, name))}));
  });
  t.is(resumed.exitCode, 0, resumed.stderr);
  untouched(t, victim, planted, shared, [...own, ...exports.map((path) => path.slice(shared.length + 1))]);
});

test('a folder link another user planted in the middle of an output path or at the results folder is refused before any work, for predict, train and bench', async (t) => {
  const {folder, shared} = await withModel(t);
  writeFileSync(join(folder, 'hosts.yaml'), HOSTS);
  writeFileSync(join(folder, 'sweep.yaml'), SWEEP);
  const victim = join(folder, 'victim');
  mkdirSync(victim, {mode: 0o700});
  writeFileSync(join(victim, 'p.csv'), 'precious\n');
  const sub = join(shared, 'sub');
  plantLink(victim, sub);
  const refusal = (flag: string, path: string) =>
    `Error: ${flag}: '${sub}' (in '${path}') is a symbolic link (to ${victim}) owned by another user (uid 65534): writing through it would put the file wherever they chose (remove the link, or name a file in a folder only you can write)\n`;
  const cases: Array<[string[], string, string]> = [
    [['predict', '--model', 'm.bin', '--data', 'd.csv', '--out', join(sub, 'p.csv')], '--out', join(sub, 'p.csv')],
    [
      ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1', '--out', join(sub, 'm.bin')],
      '--out',
      join(sub, 'm.bin'),
    ],
    [
      ['bench', '-i', 'hosts.yaml', '-e', 'sweep.yaml', '--quiet', '--export-csv', join(sub, 'deep', 't.csv')],
      '--export-csv',
      join(sub, 'deep', 't.csv'),
    ],
    [
      ['bench', '-i', 'hosts.yaml', '-e', 'sweep.yaml', '--quiet', '--results-dir', join(sub, 'results')],
      '--results-dir',
      join(sub, 'results'),
    ],
  ];
  const runs = await Promise.all(cases.map(([args]) => cluster(args, folder)));
  for (const [i, run] of runs.entries()) {
    t.is(run.stderr, refusal(cases[i][1], cases[i][2]));
    t.is(run.exitCode, 2);
    t.is(run.stdout, '', 'nothing was done');
  }
  // The results folder itself a planted link: its last part, refused as the name of an output is.
  const results = join(shared, 'results');
  plantLink(victim, results);
  const bench = await cluster(
    ['bench', '-i', 'hosts.yaml', '-e', 'sweep.yaml', '--quiet', '--results-dir', results],
    folder,
  );
  t.is(
    bench.stderr,
    `Error: --results-dir: '${results}' is a symbolic link (to ${victim}) owned by another user (uid 65534): writing through it would overwrite whatever file they chose (remove the link, or name a file in a folder only you can write)\n`,
  );
  t.is(bench.exitCode, 2);
  t.deepEqual(readdirSync(victim), ['p.csv'], 'nothing was written in the folder the links point to');
  t.is(readFileSync(join(victim, 'p.csv'), 'utf8'), 'precious\n');
});
