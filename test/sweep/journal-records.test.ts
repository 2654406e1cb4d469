import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

// Records of a finished journal, edited by hand, fed to the real `bench --resume`: each field the
// table reads later is refused when the journal is read, naming its line, never a crash or a wrong number.
const folder = folderWith({
  'inventory.yaml': TWO_LOCAL_HOSTS,
  'experiments/local.yaml': smallExperiment({extra: 'runs: 2\n'}).replace('runs: 1\n', ''),
});
let kept: {start: Record<string, unknown>; calibration: string; run: Record<string, unknown>};

test.before(async () => {
  const finished = await cluster(['bench', '--quiet'], folder);
  if (finished.exitCode !== 0) throw new Error(finished.stderr);
  const file = readdirSync(join(folder, 'results')).find((name) => name.endsWith('.jsonl'))!;
  const lines = readFileSync(join(folder, 'results', file), 'utf8')
    .trim()
    .split('\n');
  const run = lines
    .map((line) => JSON.parse(line))
    .find((line) => line.kind === 'run' && line.combination === 0 && line.run === 1);
  kept = {start: JSON.parse(lines[0]), calibration: lines.find((line) => line.includes('"kind":"calibration"'))!, run};
});

let made = 0;
/** A journal of the start, calibration and run 1 of [local-a], its record edited; `after`: a line after it. */
function journalWith(edit: (record: Record<string, unknown>) => void, after = ''): string {
  const id = `edited-${++made}`;
  const record = structuredClone(kept.run.record) as Record<string, unknown>;
  edit(record);
  const text = [JSON.stringify({...kept.start, id}), kept.calibration, JSON.stringify({...kept.run, record}), after]
    .filter(Boolean)
    .join('\n');
  writeFileSync(join(folder, 'results', `${id}.jsonl`), `${text}\n`);
  return id;
}

const FIX = '(put back what bench wrote there, or start the sweep again without --resume)';
const refused = test.macro(async (t, edit: (record: Record<string, unknown>) => void, problem: string) => {
  // Last, then followed by a record: the same refusal either way, never "cut short".
  for (const after of ['', kept.calibration]) {
    const id = journalWith(edit, after);
    const result = await cluster(['bench', '--quiet', '--resume', id], folder);
    t.is(result.stderr, `Error: results/${id}.jsonl:3: ${problem} ${FIX}\n`);
    t.is(result.exitCode, 2);
  }
});

const set = (path: string, value: unknown) => (record: Record<string, unknown>) => {
  const keys = path.split('.');
  let target = record as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1)!] = value;
};

test(
  'a fault without its time, reason or message',
  refused,
  set('faults', [{host: 'local-a'}]),
  'record.faults[0].reason is missing: must be text',
);
test(
  'a fault of a host that is not in the combination',
  refused,
  set('faults', [{host: 'local-b', reason: 'died', message: 'gone', at: 0.5, requeued: 1}]),
  'record.faults[0].host is "local-b": must be one of ["local-a"]',
);
test('a fault that is not an object', refused, set('faults', [1]), 'record.faults[0] is 1: must be an object');
test(
  'interference that is not a list',
  refused,
  set('interference', 'x'),
  'record.interference is "x": must be a list',
);
test(
  'interference of a machine without its cpus',
  refused,
  set('interference', [{hosts: ['local-a'], coordinator: true, cpuSeconds: 1, otherSeconds: 0}]),
  'record.interference[0].cpus is missing: must be a whole number from 0',
);
test('an accuracy above 1', refused, set('accuracy', 7), 'record.accuracy is 7: must be a number from 0 to 1');
test('negative seconds', refused, set('seconds', -1), 'record.seconds is -1: must be a number above 0');
test('zero seconds', refused, set('seconds', 0), 'record.seconds is 0: must be a number above 0');
test(
  'a host of the run that is not in the combination',
  refused,
  set('hosts.0.host', 'local-b'),
  'record.hosts are ["local-b"]: must be the combination\'s hosts, ["local-a"], each once',
);
test(
  'a host of the run twice',
  refused,
  (record) => (record.hosts as unknown[]).push((record.hosts as unknown[])[0]),
  'record.hosts are ["local-a","local-a"]: must be the combination\'s hosts, ["local-a"], each once',
);
test(
  'a host of the run without cores',
  refused,
  set('hosts.0.cores', 'many'),
  'record.hosts[0].cores is "many": must be a whole number from 1',
);
test(
  'a tree on the timeline of a host not in the combination',
  refused,
  set('timeline.0.host', 'elsewhere'),
  'record.timeline[0].host is "elsewhere": must be one of ["local-a"]',
);
test(
  'a tree on the timeline without its end',
  refused,
  set('timeline.0.end', null),
  'record.timeline[0].end is null: must be a number',
);

test('only a last line that is not whole JSON is a record cut short', async (t) => {
  const id = journalWith(() => undefined);
  const file = join(folder, 'results', `${id}.jsonl`);
  writeFileSync(file, `${readFileSync(file, 'utf8')}{"kind":"run","combination":0,"run":2,"warm`);
  const result = await cluster(['bench', '--quiet', '--resume', id], folder);
  t.is(result.exitCode, 0, result.stderr);
  t.regex(
    result.stderr,
    new RegExp(
      `results/${id}\\.jsonl:4: the last record was cut short \\(a crash or a full disk\\) and is dropped; its run runs again`,
    ),
  );
});

test("a journal of an earlier version, which counted each host's trees, resumes with them as its work items", async (t) => {
  const id = journalWith((record) => {
    for (const host of record.hosts as Record<string, unknown>[]) {
      host.trees = host.items;
      delete host.items;
    }
  });
  const result = await cluster(['bench', '--quiet', '--resume', id, '--json'], folder);
  t.is(result.exitCode, 0, result.stderr);
  const [first] = JSON.parse(result.stdout).rows[0].runs;
  t.deepEqual(
    first.hosts.map((host: {items: number}) => host.items),
    (kept.run.record as {hosts: {items: number}[]}).hosts.map((host) => host.items),
  );
});
