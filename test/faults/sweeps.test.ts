import {appendFileSync, existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {folderWith} from '../helpers/files.js';
import {clusterOnPath, commandIn, endsCleanly, journalRecords, paste, RUN, startCluster} from '../helpers/faults.js';
import {processesTagged, waitFor} from '../helpers/processes.js';
import {execa} from 'execa';

// Faults of running a sweep: interrupted, killed outright, resumed twice at once, its journal torn.
const HOSTS = 'hosts:\n  local-a: { transport: local, cores: 1 }\n  local-b: { transport: local, cores: 1 }\n';
// Long enough to be caught mid-sweep on any machine: tens of seconds of training.
const SWEEP =
  'name: long\ndataset: { kind: synthetic, samples: 1500, features: 20, seed: 2 }\nforest: { trees: 60, maxFeatures: 1.0 }\ncombinations: [[local-a], [local-a, local-b]]\nruns: 2\nwarmup: 0\n';
const ARGS = ['bench', '-i', 'hosts.yaml', '-e', 'experiments/long.yaml'];

const journalIn = (folder: string) => {
  const dir = join(folder, 'results');
  const file = existsSync(dir) ? readdirSync(dir).find((name) => name.endsWith('.jsonl')) : undefined;
  return file && join(dir, file);
};
const runsIn = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"kind":"run"')).length;

test('Ctrl-C names every flag in its --resume; two of those at once: the second is refused, naming the first', async (t) => {
  const folder = folderWith({'hosts.yaml': HOSTS, 'experiments/long.yaml': SWEEP});
  const bench = startCluster(ARGS, folder);
  await waitFor(() => journalIn(folder));
  bench.kill('SIGINT');
  const interrupted = await endsCleanly(t, bench, 130);
  const command = commandIn(interrupted);
  t.regex(command, /^cluster bench --resume \S+-long -i hosts\.yaml -e experiments\/long\.yaml$/);

  // The first resume holds the sweep (its lock is there) when the second starts.
  const tag = `first-${Date.now()}`;
  const first = execa('sh', ['-c', command], {
    cwd: folder,
    reject: false,
    env: {...clusterOnPath(folder), NO_COLOR: '1', CLUSTER_TEST_TAG: tag},
  });
  const lock = journalIn(folder)!.replace('.jsonl', '.lock');
  const holder = await waitFor(() => (existsSync(lock) ? JSON.parse(readFileSync(lock, 'utf8')) : undefined));
  // Held still (stopped, not gone) so the second surely finds it running, however slow the machine.
  process.kill(holder.pid, 'SIGSTOP');
  const second = await paste(command, folder, `second-${Date.now()}`).finally(() =>
    process.kill(holder.pid, 'SIGCONT'),
  );
  t.is(second.exitCode, 2);
  t.regex(
    second.stderr,
    new RegExp(
      `^Error: results/\\S+-long\\.jsonl: this sweep is being run by process ${holder.pid} on \\S+ \\(since \\S+; lock results/\\S+-long\\.lock\\) \\(wait for it to finish or stop it; if process ${holder.pid} is not a cluster bench \\(the machine restarted since\\), remove results/\\S+-long\\.lock\\)$`,
      'm',
    ),
  );
  const finished = await first;
  t.is(finished.exitCode, 0, String(finished.stderr));
  t.is(runsIn(journalIn(folder)!), 4, 'each run once');
  t.false(existsSync(lock), 'the lock goes with its process');
  t.deepEqual(processesTagged(tag), []);
});

test('a sweep killed outright leaves its lock and a torn record: --resume takes both over and finishes', async (t) => {
  const folder = folderWith({'hosts.yaml': HOSTS, 'experiments/long.yaml': SWEEP});
  const bench = startCluster(ARGS, folder);
  const file = await waitFor(() => {
    const found = journalIn(folder);
    return found && runsIn(found) >= 1 ? found : undefined;
  });
  // No chance to clean up: the lock stays, and the workers end when their input closes.
  bench.kill('SIGKILL');
  await bench;
  await waitFor(() => (processesTagged(bench.tag).length === 0 ? true : undefined));
  t.true(existsSync(file.replace('.jsonl', '.lock')));
  const before = runsIn(file);
  appendFileSync(file, '{"kind":"run","combination":1,"run":1,"warmup":false,"record":{"sec');

  const id = file.replace(/^.*\/(.*)\.jsonl$/, '$1');
  const resumed = await paste(
    `cluster bench --resume ${id} -i hosts.yaml -e experiments/long.yaml --json`,
    folder,
    `resume-${id}`,
  );
  t.is(resumed.exitCode, 0, resumed.stderr);
  t.regex(
    resumed.stderr,
    new RegExp(
      `^Warning: results/${id}\\.jsonl:\\d+: the last record was cut short \\(a crash or a full disk\\) and is dropped; its run runs again$`,
      'm',
    ),
  );
  t.deepEqual(
    JSON.parse(resumed.stdout).rows.map((row: {runs: unknown[]}) => row.runs.length),
    [2, 2],
  );
  const {records} = journalRecords(t, join(folder, 'results'));
  t.is(records.filter((r) => r.kind === 'run').length, 4);
  t.true(before >= 1 && before <= 4);
  t.false(existsSync(file.replace('.jsonl', '.lock')));
});

// The terminal closing sends SIGHUP: it was not handled (exit 129, no --resume, the lock left behind).
test('SIGHUP (the terminal closed) stops a sweep as SIGTERM does: exit 130, the lock removed, the printed --resume finishes it', async (t) => {
  const folder = folderWith({'hosts.yaml': HOSTS, 'experiments/long.yaml': SWEEP});
  const bench = startCluster(ARGS, folder);
  const file = await waitFor(() => {
    const found = journalIn(folder);
    return found && runsIn(found) >= 1 ? found : undefined;
  });
  bench.kill('SIGHUP');
  const message = await endsCleanly(t, bench, 130);
  t.regex(
    message,
    /^interrupted by SIGHUP; finished results were kept; continue with: cluster bench --resume \S+-long -i hosts\.yaml -e experiments\/long\.yaml$/,
  );
  t.false(existsSync(file.replace('.jsonl', '.lock')), 'the lock goes with its process');
  t.deepEqual(
    readdirSync(join(folder, 'results')),
    [file.replace(/^.*\//, '')],
    'no lock, draft or temporary file is left beside the journal',
  );
  const resumed = await paste(`${commandIn(message)} --json`, folder, `resume-${Date.now()}`);
  t.is(resumed.exitCode, 0, resumed.stderr);
  t.deepEqual(
    JSON.parse(resumed.stdout).rows.map((row: {runs: unknown[]}) => row.runs.length),
    [2, 2],
  );
});

test('SIGHUP with nobody left to read stdout and stderr: the writes that fail (EPIPE) do not crash it; exit 130, the lock removed', async (t) => {
  const folder = folderWith({'hosts.yaml': HOSTS, 'experiments/long.yaml': SWEEP});
  const bench = startCluster(ARGS, folder);
  const file = await waitFor(() => {
    const found = journalIn(folder);
    return found && runsIn(found) >= 1 ? found : undefined;
  });
  // As a closed terminal: whatever the process writes from now on goes nowhere, and fails.
  bench.stdout!.destroy();
  bench.stderr!.destroy();
  bench.kill('SIGHUP');
  const result = await bench;
  t.is(result.exitCode, 130);
  t.false(existsSync(file.replace('.jsonl', '.lock')), 'the lock goes with its process');
  await waitFor(() => (processesTagged(bench.tag).length === 0 ? true : undefined));
});

// A terminal that really closed: Node aborted at exit (134) restoring it, after the SIGHUP its shell passes on.
test('the terminal itself gone (a pty closed), then SIGHUP as a shell sends it: exit 130, the lock removed, the sweep resumable', async (t) => {
  const folder = folderWith({
    'hosts.yaml': HOSTS,
    'experiments/long.yaml': SWEEP,
    'run.sh': `trap ':' HUP\n${process.execPath} ${RUN} ${ARGS.join(' ')}\necho $? > exit-code\n`,
  });
  const tag = `pty-${Date.now()}`;
  // script(1) gives the bench a terminal of its own: a pseudo-terminal whose far end is this test.
  const terminal = execa('script', ['-qefc', 'sh run.sh', '/dev/null'], {
    cwd: folder,
    reject: false,
    env: {CLUSTER_TEST_TAG: tag, NO_COLOR: '1'},
  });
  const file = await waitFor(() => {
    const found = journalIn(folder);
    return found && runsIn(found) >= 1 ? found : undefined;
  });
  const bench = processesTagged(tag).find(({pid}) =>
    readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${RUN}\0bench`),
  );
  t.truthy(bench);
  terminal.kill('SIGKILL');
  await terminal;
  process.kill(bench!.pid, 'SIGHUP');
  const code = await waitFor(() =>
    existsSync(join(folder, 'exit-code')) ? readFileSync(join(folder, 'exit-code'), 'utf8').trim() : undefined,
  );
  t.is(code, '130');
  t.false(existsSync(file.replace('.jsonl', '.lock')), 'the lock goes with its process');
  const id = file.replace(/^.*\/(.*)\.jsonl$/, '$1');
  const resumed = await paste(
    `cluster bench --resume ${id} -i hosts.yaml -e experiments/long.yaml --json`,
    folder,
    `resume-${id}`,
  );
  t.is(resumed.exitCode, 0, resumed.stderr);
  t.deepEqual(
    JSON.parse(resumed.stdout).rows.map((row: {runs: unknown[]}) => row.runs.length),
    [2, 2],
  );
});

// With several engines the hint was `cluster bench --resume <id>` alone: pasted, it resumed with the default files and engine.
test("--engine native,dask interrupted: the hint resumes that engine's sweep with every flag, and pasted it finishes", async (t) => {
  const folder = folderWith({'hosts.yaml': HOSTS, 'experiments/long.yaml': SWEEP});
  const bench = startCluster([...ARGS, '--engine', 'native,dask', '--export-csv', 'out/t.csv'], folder);
  await waitFor(() => journalIn(folder));
  bench.kill('SIGINT');
  const command = commandIn(await endsCleanly(t, bench, 130));
  t.regex(
    command,
    /^cluster bench --resume \S+-long -i hosts\.yaml -e experiments\/long\.yaml --engine native --export-csv out\/t-native\.csv$/,
  );
  const resumed = await paste(command, folder, `resume-${Date.now()}`);
  t.is(resumed.exitCode, 0, resumed.stderr);
  t.true(existsSync(join(folder, 'out/t-native.csv')));
});
