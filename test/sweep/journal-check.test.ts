import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {journalLineProblem, planProblem} from '../../src/sweep/journal-check.js';
import {Journal} from '../../src/sweep/journal.js';
import {InputError} from '../../src/errors.js';
import {folderWith} from '../helpers/files.js';

const RUN = {
  kind: 'run',
  combination: 0,
  run: 1,
  warmup: false,
  record: {seconds: 1.5, accuracy: 0.9, hosts: [], faults: [], timeline: []},
};
const PLAN = {combinations: 2, warmup: 1, runs: 3};

test('the lines the bench writes pass', (t) => {
  t.is(
    journalLineProblem({
      kind: 'start',
      id: 'j',
      experiment: 'small',
      fingerprint: 'f',
      startedAt: '2026-01-01T00:00:00.000Z',
    }),
    undefined,
  );
  t.is(journalLineProblem({kind: 'calibration', throughput: {a: 12.5}}), undefined);
  t.is(journalLineProblem(RUN), undefined);
  t.is(journalLineProblem({kind: 'failed', combination: 1, error: 'host b: every host was lost'}), undefined);
});

const problem = test.macro((t, line: unknown, expected: string) => t.is(journalLineProblem(line), expected));
test('a line that is not an object', problem, [1, 2], 'not a JSON object');
test('an unknown kind', problem, {kind: 'walk'}, 'unknown kind "walk"');
test('a run without its record', problem, {...RUN, record: undefined}, 'record is missing: must be an object');
test(
  'a run whose seconds became text',
  problem,
  {...RUN, record: {...RUN.record, seconds: 'fast'}},
  'record.seconds is "fast": must be a number above 0',
);
test(
  'a run whose accuracy became text',
  problem,
  {...RUN, record: {...RUN.record, accuracy: 'high'}},
  'record.accuracy is "high": must be a number from 0 to 1',
);
test(
  'a run without its faults',
  problem,
  {...RUN, record: {...RUN.record, faults: undefined}},
  'record.faults is missing: must be a list',
);
test('a run numbered 0', problem, {...RUN, run: 0}, 'run is 0: must be a whole number from 1');
test(
  'a combination index that is not whole',
  problem,
  {...RUN, combination: 0.5},
  'combination is 0.5: must be a whole number from 0',
);
test(
  'a calibration of negative speed',
  problem,
  {kind: 'calibration', throughput: {a: -1}},
  'throughput must map hosts to trees per second',
);
test(
  'a calibration whose loaded hosts are not shares',
  problem,
  {kind: 'calibration', throughput: {a: 1}, loaded: {a: 'busy'}},
  'loaded must map hosts to shares of the CPU',
);

test('a calibration measured under load keeps its hosts and shares for a resumed sweep', (t) => {
  t.is(journalLineProblem({kind: 'calibration', throughput: {a: 12.5}, loaded: {a: 0.4}}), undefined);
  const folder = folderWith();
  const journal = Journal.create(join(folder, 'results'), 'loaded', 'small', 'fp');
  journal.recordCalibration({
    throughput: new Map([
      ['a', 12.5],
      ['b', 3],
    ]),
    loaded: new Map([['a', 0.4]]),
  });
  journal.close();
  const resumed = Journal.resume(join(folder, 'results'), 'loaded', 'fp', PLAN);
  t.deepEqual(resumed.calibration, {
    throughput: new Map([
      ['a', 12.5],
      ['b', 3],
    ]),
    loaded: new Map([['a', 0.4]]),
  });
  resumed.close();
});

test('a journal edited deep inside a run is bad input on --resume, not a crash later', (t) => {
  const folder = folderWith();
  const journal = Journal.create(join(folder, 'results'), 'sweep', 'small', 'fp');
  journal.recordRun(0, 1, false, RUN.record);
  journal.recordRun(0, 2, false, RUN.record);
  journal.close();
  const [start, first, second] = readFileSync(journal.file, 'utf8').trim().split('\n');
  writeFileSync(journal.file, `${start}\n${first.replace('"accuracy":0.9', '"accuracy":"high"')}\n${second}\n`);
  const error = t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {instanceOf: InputError});
  t.is(error?.details.line, 2);
  t.is(error?.exitCode, 2);
});

// The fingerprint pins the experiment, so a record outside its plan can only have been written by hand.
const outsidePlan = test.macro((t, edit: Record<string, unknown>, expected: string) => {
  const lines = [{kind: 'start'}, {...RUN, run: 1, warmup: true}, {...RUN, run: 2}, {...RUN, ...edit}];
  t.deepEqual(planProblem(lines, PLAN), {index: 3, problem: expected});
});
test(
  'a run past warm-up + runs',
  outsidePlan,
  {run: 99},
  'run is 99, but the experiment has 1 warm-up and 3 measured runs (1 to 4)',
);
test(
  'a combination the experiment does not have',
  outsidePlan,
  {combination: 7},
  'combination is 7, but the experiment has 2 (0 to 1)',
);
test(
  'a failure of a combination the experiment does not have',
  outsidePlan,
  {kind: 'failed', combination: 2, error: 'x'},
  'combination is 2, but the experiment has 2 (0 to 1)',
);
test(
  'a warm-up flag that disagrees with the run number',
  outsidePlan,
  {run: 1, warmup: false},
  'warmup is false, but run 1 is a warm-up (warmup: 1)',
);
test('a run recorded twice', outsidePlan, {run: 2}, 'run 2 of combination 0 is recorded twice');
test('the records of a sweep as it wrote them are inside its plan', (t) => {
  t.is(
    planProblem(
      [
        {kind: 'start'},
        {...RUN, run: 1, warmup: true},
        {...RUN, combination: 1, run: 1, warmup: true},
        {...RUN, run: 2},
        {...RUN, run: 4},
        {kind: 'failed', combination: 1},
      ],
      PLAN,
    ),
    undefined,
  );
});

test('a journal edited to a run the plan does not have is refused on --resume, with its line', (t) => {
  const folder = folderWith();
  const journal = Journal.create(join(folder, 'results'), 'sweep', 'small', 'fp');
  journal.recordRun(0, 2, false, RUN.record);
  journal.close();
  writeFileSync(journal.file, readFileSync(journal.file, 'utf8').replace('"run":2', '"run":99'));
  const error = t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', PLAN), {instanceOf: InputError});
  t.is(
    error?.message,
    `${journal.file}:2: run is 99, but the experiment has 1 warm-up and 3 measured runs (1 to 4) (remove that line, or start the sweep again without --resume)`,
  );
  // Refused, the journal is free for the next try.
  t.notThrows(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp', {...PLAN, runs: 99}).close());
});
