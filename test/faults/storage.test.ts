import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import {folderWith} from '../helpers/files.js';
import {commandIn, endsCleanly, journalRecords, paste, startCluster} from '../helpers/faults.js';

// Faults of storage, against the real CLI: where results go cannot be written, the journal fills
// the disk mid-sweep, an export cannot be written after the sweep. Each must end with one line,
// its exit code, no process left, a readable journal, and a way to finish.
const test = anyTest as TestFn;
const isRoot = process.getuid?.() === 0;

const HOSTS = 'hosts:\n  local-a: { transport: local, cores: 1 }\n  local-b: { transport: local, cores: 1 }\n';
const SWEEP =
  'name: sweep\ndataset: { kind: synthetic, samples: 300, features: 8, informative: 4, classes: 2, seed: 1 }\nforest: { trees: 4, seed: 7 }\ncombinations: [[local-a], [local-a, local-b]]\nruns: 2\nwarmup: 0\n';
// Not the default file names: a --resume command must carry -i and -e to work.
const ARGS = ['bench', '-i', 'hosts.yaml', '-e', 'experiments/sweep.yaml'];
const sweepFolder = () => folderWith({'hosts.yaml': HOSTS, 'experiments/sweep.yaml': SWEEP});

function leftovers(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tmp-[0-9a-f]+$|\.lock$/.test(name)) found.push(path);
    }
  };
  walk(folder);
  return found;
}

test('--results-dir naming a file is refused before any worker starts', async (t) => {
  const folder = folderWith({'hosts.yaml': HOSTS, 'experiments/sweep.yaml': SWEEP, taken: 'a file'});
  const message = await endsCleanly(t, startCluster([...ARGS, '--results-dir', 'taken'], folder), 2);
  t.regex(
    message,
    /^taken: cannot write results here \((EEXIST|ENOTDIR): [^)]+\) \(choose a folder you can write with --results-dir\)$/,
  );
});

test('--results-dir on a read-only file system is refused before any worker starts', async (t) => {
  const folder = sweepFolder();
  const readOnly = join(folder, 'ro');
  mkdirSync(readOnly);
  // Root writes through file modes: a read-only mount is what stops it.
  if (isRoot) await execa('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]);
  else await execa('chmod', ['555', readOnly]);
  try {
    const message = await endsCleanly(t, startCluster([...ARGS, '--results-dir', 'ro/results'], folder), 2);
    t.regex(
      message,
      /^ro\/results: cannot write results here \((EROFS|EACCES): [^)]+\) \(choose a folder you can write with --results-dir\)$/,
    );
  } finally {
    if (isRoot) await execa('umount', [readOnly]);
  }
});

test('the journal filling the disk mid-sweep: nothing half written, and the printed --resume finishes it', async (t) => {
  const folder = sweepFolder();
  // Files of this process may not grow past 1,500 bytes: the start, the calibration and the first
  // run fit (about 1,100 bytes); the second run's record does not.
  const message = await endsCleanly(t, startCluster(ARGS, folder, {prefix: ['prlimit', '--fsize=1500', '--']}), 2);
  const {file, records} = journalRecords(t, join(folder, 'results'));
  const id = file.replace(/^.*\/(.*)\.jsonl$/, '$1');
  t.is(
    message,
    `results/${id}.jsonl: cannot save the journal (EFBIG: file too large); the runs before it are kept: make room, then continue with: cluster bench --resume ${id} -i hosts.yaml -e experiments/sweep.yaml`,
  );
  t.deepEqual(
    records.map((r) => r.kind),
    ['start', 'calibration', 'run'],
  );
  t.deepEqual(leftovers(folder), []);

  const resumed = await paste(`${commandIn(message)} --json`, folder, `resume-${id}`);
  t.is(resumed.exitCode, 0, resumed.stderr);
  t.deepEqual(
    JSON.parse(resumed.stdout).rows.map((row: {runs: unknown[]}) => row.runs.length),
    [2, 2],
  );
  t.is(
    journalRecords(t, join(folder, 'results')).records.filter((r) => r.kind === 'run').length,
    4,
    'only the missing runs ran',
  );
});

test('an export on a read-only file system is refused before any worker starts', async (t) => {
  const folder = sweepFolder();
  const readOnly = join(folder, 'ro');
  mkdirSync(readOnly);
  // Root writes through file modes: a read-only mount is what stops it.
  if (isRoot) await execa('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]);
  else await execa('chmod', ['555', readOnly]);
  try {
    const message = await endsCleanly(t, startCluster([...ARGS, '--export-scaling', 'ro/sub/t.svg'], folder), 2);
    t.regex(
      message,
      /^--export-scaling: cannot write in 'ro' \((EROFS|EACCES)\) \(choose a folder you can write in\)$/,
    );
    t.false(existsSync(join(folder, 'results')), 'no run started');
  } finally {
    if (isRoot) await execa('umount', [readOnly]);
  }
});

test('an export the disk cannot hold (/dev/full): the table is printed first, then one error saying the results are saved; its exports can be written again', async (t) => {
  const folder = sweepFolder();
  const run = startCluster([...ARGS, '--export-json', '/dev/full'], folder);
  const message = await endsCleanly(t, run, 2);
  t.regex(String((await run).stdout), /│ Hardware +│ Cores │/);
  t.regex(String((await run).stdout), /│ local-a, local-b +│ 2 +│/);
  const {file} = journalRecords(t, join(folder, 'results'));
  const id = file.replace(/^.*\/(.*)\.jsonl$/, '$1');
  t.is(
    message,
    `/dev/full: cannot write (ENOSPC); the sweep's results are saved all the same: results/${id}.csv, results/${id}.json, results/${id}-timeline.svg, results/${id}-scaling.svg, results/${id}.md (name a file you can write, or make room; then write them again with: cluster bench --resume ${id} -i hosts.yaml -e experiments/sweep.yaml --export-json /dev/full)`,
  );
  t.deepEqual(leftovers(folder), []);

  const again = await paste(
    commandIn(message).replace('--export-json /dev/full', '--export-json out/result.json'),
    folder,
    `again-${id}`,
  );
  t.is(again.exitCode, 0, again.stderr);
  t.deepEqual(
    JSON.parse(readFileSync(join(folder, 'out/result.json'), 'utf8')).rows.map(
      (row: {runs: unknown[]}) => row.runs.length,
    ),
    [2, 2],
  );
});

test('the disk filling while the results are saved after the sweep: the table first, no file half written', async (t) => {
  const folder = sweepFolder();
  // The journal (about 3,700 bytes) fits; the full JSON result (about 8,500) does not.
  const run = startCluster(ARGS, folder, {prefix: ['prlimit', '--fsize=6000', '--']});
  const message = await endsCleanly(t, run, 2);
  t.regex(String((await run).stdout), /│ local-a, local-b +│ 2 +│/);
  const {file, records} = journalRecords(t, join(folder, 'results'));
  const id = file.replace(/^.*\/(.*)\.jsonl$/, '$1');
  t.is(records.filter((r) => r.kind === 'run').length, 4);
  t.is(
    message,
    `results/${id}.json: cannot write (EFBIG); written before it: results/${id}.csv (name a file you can write, or make room; then write them again with: cluster bench --resume ${id} -i hosts.yaml -e experiments/sweep.yaml)`,
  );
  t.false(existsSync(join(folder, 'results', `${id}.json`)), 'no truncated JSON');
  t.deepEqual(leftovers(folder), []);
});

test('train: the disk filling as the model is saved, after the fit: no half model, and the model is kept elsewhere', async (t) => {
  if (!isRoot) {
    // A full file system on a mount only root can make; CI runs as root and must not skip.
    if (process.env.CI) t.fail('this test needs root under CI');
    else t.log('skipped: needs root to mount a small tmpfs');
    return t.pass();
  }
  const rows = [
    'a,b,c,y',
    ...Array.from({length: 400}, (_, i) => `${i % 13},${(i * 7) % 17},${(i * 5) % 23},${(i * 3) % 4}`),
  ].join('\n');
  const folder = folderWith({'hosts.yaml': HOSTS, 'd.csv': `${rows}\n`});
  const small = join(folder, 'small');
  mkdirSync(small);
  // Room for a few KiB: the check before the fit passes, the model (hundreds of KiB) does not fit.
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', small]);
  try {
    const message = await endsCleanly(
      t,
      startCluster(
        ['train', '-i', 'hosts.yaml', '--data', 'd.csv', '--target', 'y', '--trees', '200', '--out', 'small/m.model'],
        folder,
      ),
      2,
    );
    const kept = /the trained model was kept in (\S+):? \(make room, then move it: mv \1 small\/m\.model\)$/.exec(
      message,
    )?.[1];
    t.truthy(kept, message);
    t.regex(message, /^small\/m\.model: cannot write the model \(ENOSPC\); /);
    t.deepEqual(readdirSync(small), [], 'nothing half written');
    const predicted = await startCluster(['predict', '--model', kept!, '--data', 'd.csv'], folder);
    t.is(predicted.exitCode, 0, String(predicted.stderr));
    t.is(String(predicted.stdout).trimEnd().split('\n').length, 400, 'a prediction per row');
    rmSync(kept!);
  } finally {
    await execa('umount', [small]);
  }
});
