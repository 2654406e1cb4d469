import {existsSync, mkdirSync, readdirSync, readFileSync, watch} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {commandIn, endsCleanly, paste, startCluster} from '../helpers/faults.js';

// A signal after the last run is in the journal (the engine shutting down, the table, the save):
// the message still names the --resume, and pasted, it saves the results.
test('SIGTERM right after the last run is journalled names the --resume, which saves the results', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': smallExperiment()});
  const results = join(folder, 'results');
  mkdirSync(results);
  let lastRun!: () => void;
  const journalled = new Promise<void>((resolve) => (lastRun = resolve));
  // The folder's events, not a clock: each append is seen as it happens.
  const watcher = watch(results, () => {
    const file = readdirSync(results).find((name) => name.endsWith('.jsonl'));
    if (
      file &&
      readFileSync(join(results, file), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"kind":"run"')).length === 2
    )
      lastRun();
  });
  const bench = startCluster(['bench'], folder);
  await journalled.finally(() => watcher.close());
  bench.kill('SIGTERM');
  const message = await endsCleanly(t, bench, 130);
  t.regex(
    message,
    /^interrupted by SIGTERM; finished results were kept; continue with: cluster bench --resume \S+-small$/,
  );
  const resumed = await paste(commandIn(message), folder, `late-${Date.now()}`);
  t.is(resumed.exitCode, 0, resumed.stderr);
  t.true(readdirSync(results).some((name) => name.endsWith('.csv')));
  t.true(existsSync(results));
});
