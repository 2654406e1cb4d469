import {execFileSync} from 'node:child_process';
import {existsSync, lstatSync, mkdirSync, readFileSync, rmdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {Journal} from '../../src/sweep/journal.js';
import {continueLatenciesCommand, resumeCommandFor} from '../../src/sweep/resume-command.js';
import type {RunRecord} from '../../src/results/result.js';
import {InputError} from '../../src/errors.js';
import {folderWith} from '../helpers/files.js';
import {plantLink, sharedFolder} from '../helpers/shared-folder.js';

const RECORD: RunRecord = {seconds: 1.5, accuracy: 0.9, hosts: [], faults: [], timeline: []};
/** The sweep these journals belong to: one combination, three measured runs. */
const PLAN = {combinations: 1, warmup: 0, runs: 3};

/** A journal with a start and one run, closed (its lock released). */
function journalIn(folder: string, id = 'sweep'): string {
  const journal = Journal.create(join(folder, 'results'), id, 'small', 'fp');
  journal.recordRun(0, 1, false, RECORD);
  journal.close();
  return journal.file;
}

test('each record is one whole line; a torn last record is reported, dropped and cut away before the next', (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  const whole = readFileSync(file, 'utf8');
  writeFileSync(file, `${whole}{"kind":"run","combination":0,"run":2,"warm`);
  const journal = Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN);
  t.is(
    journal.notice,
    `${file}:3: the last record was cut short (a crash or a full disk) and is dropped; its run runs again`,
  );
  t.is(journal.runsOf(0).length, 1);
  t.is(readFileSync(file, 'utf8'), whole, 'the torn bytes are gone');
  journal.recordRun(0, 2, false, RECORD);
  journal.close();
  const again = Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN);
  t.is(again.notice, undefined);
  t.deepEqual(
    again.runsOf(0).map((line) => line.run),
    [1, 2],
  );
  again.close();
});

test('a record a crash left without its newline, or one a later append ran into, is dropped too', (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  const whole = readFileSync(file, 'utf8');
  // What an older version left: a torn record with a whole one appended onto it.
  writeFileSync(
    file,
    `${whole}{"kind":"run","comb${JSON.stringify({kind: 'run', combination: 0, run: 2, warmup: false, record: RECORD})}\n`,
  );
  const journal = Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN);
  t.regex(journal.notice!, /:3: the last record was cut short/);
  t.is(journal.runsOf(0).length, 1);
  journal.close();
});

test('a damaged record in the middle is bad input naming its line', (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  const [start, run] = readFileSync(file, 'utf8').trim().split('\n');
  writeFileSync(file, `${start}\n{"kind":"run","combination":"x"}\n${run}\n`);
  const error = t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {instanceOf: InputError});
  t.is(
    error!.message,
    `${file}:2: combination is "x": must be a whole number from 0 (put back what bench wrote there, or start the sweep again without --resume)`,
  );
  t.is(error!.exitCode, 2);
  // A refused resume leaves the sweep free for the next: the same answer, not "being run by".
  t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {message: error!.message});
  // Not whole JSON, and not last: damaged, not cut short.
  writeFileSync(file, `${start}\n{"kind":"run",\n${run}\n`);
  t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {
    message: `${file}:2: not a journal record (was the file edited?) (remove that line, or start the sweep again without --resume)`,
  });
});

test("one process at a time: a second holder is refused naming the first; a dead holder's lock is taken over", async (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  const first = Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN);
  const error = t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {instanceOf: InputError});
  t.regex(
    error!.message,
    new RegExp(
      `^${file}: this sweep is being run by process ${process.pid} on ${hostname()} \\(since \\S+; lock ${file.replace('.jsonl', '.lock')}\\) \\(wait for it to finish or stop it`,
    ),
  );
  first.close();
  t.false(existsSync(file.replace('.jsonl', '.lock')), 'closing releases the lock');

  // A process that held it and is gone (killed: no chance to release it).
  const dead = await execa(process.execPath, ['-e', 'console.log(process.pid)']);
  writeFileSync(
    file.replace('.jsonl', '.lock'),
    JSON.stringify({pid: Number(dead.stdout), host: hostname(), since: '2026-01-01T00:00:00.000Z'}),
  );
  const taken = Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN);
  t.is(JSON.parse(readFileSync(file.replace('.jsonl', '.lock'), 'utf8')).pid, process.pid);
  taken.close();
});

test('a folder or a link to a device where the lock goes is refused by name, left as it is', (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  const lock = file.replace('.jsonl', '.lock');
  mkdirSync(lock);
  const error = t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {instanceOf: InputError});
  t.is(
    error!.message,
    `${lock}: is a folder, not a lock this toolkit wrote (remove it if no bench of this sweep is running, then run the command again)`,
  );
  t.true(statSync(lock).isDirectory(), 'the folder is not moved aside');
  rmdirSync(lock);
  symlinkSync('/dev/zero', lock);
  t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {
    message: `${lock}: is a symbolic link, not a lock this toolkit wrote (remove it if no bench of this sweep is running, then run the command again)`,
  });
  t.true(lstatSync(lock).isSymbolicLink());
});

// A sweep resumed with another --schedule (or engine, or hosts) was told to match only
// --experiment, --inventory, --runs and --warmup: the fix now names all the fingerprint covers.
test('a journal of other settings is refused naming every setting that must match', (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'another fingerprint', PLAN), {
    instanceOf: InputError,
    message: `${file}: was made with other settings than the ones given now (resume with what the sweep sweep was started with: the same experiment and its data set (-e, --runs, --warmup), the same hosts (-i, --hosts), --schedule, --engine and --scheduler)`,
  });
});

test('a journal that is a pipe or an endless device is refused by name on --resume, not waited on', (t) => {
  const folder = folderWith();
  mkdirSync(join(folder, 'results'));
  execFileSync('mkfifo', [join(folder, 'results', 'piped.jsonl')]);
  symlinkSync('/dev/zero', join(folder, 'results', 'endless.jsonl'));
  t.throws(() => Journal.resume(join(folder, 'results'), 'piped', 'fp', PLAN), {
    message: `${join(folder, 'results', 'piped.jsonl')}: is a pipe (FIFO), not a file (save its contents to a file and name that file)`,
  });
  t.throws(() => Journal.resume(join(folder, 'results'), 'endless', 'fp', PLAN), {
    message: /endless\.jsonl: the file is larger than the 256 MiB a journal may be/,
  });
  t.false(existsSync(join(folder, 'results', 'piped.lock')), 'the lock is let go');
});

test('a write that fails (a full disk) leaves nothing half written and says how to go on', (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  const journal = Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN);
  journal.resumeCommand = 'cluster bench --resume sweep -e experiments/x.yaml';
  // /dev/full: every write fails with ENOSPC, as on a full disk.
  const full = join(folder, 'full.jsonl');
  symlinkSync('/dev/full', full);
  Object.assign(journal, {file: full});
  const error = t.throws(() => journal.recordRun(0, 2, false, RECORD), {instanceOf: InputError});
  t.is(
    error!.message,
    `${full}: cannot save the journal (ENOSPC: no space left on device); the runs before it are kept: make room, then continue with: cluster bench --resume sweep -e experiments/x.yaml`,
  );
  t.is(journal.runsOf(0).length, 1, 'the record that was not saved is not counted');
  journal.close();
  t.true(readFileSync(file, 'utf8').endsWith('\n'));
});

test('a results folder that cannot be written is refused before anything starts', (t) => {
  const folder = folderWith({'a-file': 'x'});
  t.throws(() => Journal.checkWritable(join(folder, 'a-file')), {
    message: `${join(folder, 'a-file')}: cannot write results here (ENOTDIR: not a directory) (choose a folder you can write with --results-dir)`,
  });
  t.notThrows(() => Journal.checkWritable(join(folder, 'new', 'results')));
  // A link to a folder that does not exist: where it points, not mkdir's EEXIST.
  symlinkSync(join(folder, 'gone'), join(folder, 'dangling'));
  t.throws(() => Journal.checkWritable(join(folder, 'dangling', 'results')), {
    message: `${join(folder, 'dangling', 'results')}: ${join(folder, 'dangling')} is a link to ${join(folder, 'gone')}, which does not exist (create the folder it points to, or choose another with --results-dir)`,
  });
});

test('the --resume command carries every flag the sweep needs, quoted for a shell', (t) => {
  const exports = {'export-json': 'out dir/r.json', 'export-csv': undefined};
  t.is(
    resumeCommandFor('id1', {
      inventory: 'inventory.yaml',
      experiment: 'experiments/local.yaml',
      resultsDir: 'results',
      exports: {},
    }),
    'cluster bench --resume id1',
  );
  t.is(
    resumeCommandFor('id1', {
      inventory: 'lab/inv.yaml',
      experiment: 'e.yaml',
      resultsDir: 'r',
      schedule: 'dynamic',
      exports,
    }),
    "cluster bench --resume id1 -i lab/inv.yaml -e e.yaml --results-dir r --schedule dynamic --export-json 'out dir/r.json'",
  );
  t.is(
    resumeCommandFor('id1', {
      inventory: 'inventory.yaml',
      experiment: 'experiments/local.yaml',
      resultsDir: 'results',
      runs: '5',
      warmup: '0',
      order: 'sequential',
      exports: {},
    }),
    'cluster bench --resume id1 --runs 5 --warmup 0 --order sequential',
  );
  // --hosts chose the combinations (the journal's fingerprint covers them); --fail-on-noise decides the exit code.
  t.is(
    resumeCommandFor('id1', {
      inventory: 'inventory.yaml',
      experiment: 'experiments/local.yaml',
      resultsDir: 'results',
      hosts: 'pis,!rpi3',
      failOnNoise: true,
      exports: {},
    }),
    "cluster bench --resume id1 --hosts 'pis,!rpi3' --fail-on-noise",
  );
});

test('a new journal is created by us alone: a link or file already at its name is refused, never written through nor removed', (t) => {
  const {shared, victim} = sharedFolder();
  plantLink(victim, join(shared, 'guessed.jsonl'));
  const error = t.throws(() => Journal.create(shared, 'guessed', 'small', 'fp'), {instanceOf: InputError});
  t.is(
    error?.message,
    `${join(shared, 'guessed.jsonl')}: exists already, though this sweep has just begun (a file or link put there by something else) (remove it, or run the bench again: a new sweep takes a new id)`,
  );
  t.is(readFileSync(victim, 'utf8'), 'precious\n');
  t.true(lstatSync(join(shared, 'guessed.jsonl')).isSymbolicLink(), 'the link is left for its owner');
  t.false(existsSync(join(shared, 'guessed.lock')), 'the lock was released');
});

test("a resumed journal that is another user's link is refused before it is read or locked", (t) => {
  const folder = folderWith();
  const file = journalIn(folder);
  const {shared} = sharedFolder();
  plantLink(file, join(shared, 'theirs.jsonl'));
  const error = t.throws(() => Journal.resume(shared, 'theirs', 'fp', PLAN), {instanceOf: InputError});
  t.regex(
    error?.message ?? '',
    /theirs\.jsonl' is a symbolic link \(to .*sweep\.jsonl\) owned by another user \(uid 65534\)/,
  );
  t.false(existsSync(join(shared, 'theirs.lock')));
});

test('an interrupted latency sweep is continued by the same command with the latencies left, quoted for a shell', (t) => {
  t.is(
    continueLatenciesCommand(
      ['-i', 'lab/inv.yaml', '--latency', '0ms,5ms,20ms', '--export-csv', 'out dir/t.csv'],
      ['5ms', '20ms'],
    ),
    "cluster bench -i lab/inv.yaml --export-csv 'out dir/t.csv' --latency '5ms,20ms'",
  );
  t.is(
    continueLatenciesCommand(['--latency=0ms,5ms', '--fail-on-noise'], ['5ms']),
    'cluster bench --fail-on-noise --latency 5ms',
  );
});
