import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {journalLineProblem} from '../../src/bench/journal-check.js';
import {Journal} from '../../src/bench/journal.js';
import {InputError} from '../../src/errors.js';
import {folderWith} from '../helpers/files.js';

const RUN = {kind: 'run', combination: 0, run: 1, warmup: false, record: {seconds: 1.5, accuracy: 0.9, hosts: [], faults: [], timeline: []}};

test('the lines the bench writes pass', (t) => {
  t.is(journalLineProblem({kind: 'start', id: 'j', experiment: 'small', fingerprint: 'f', startedAt: '2026-01-01T00:00:00.000Z'}), undefined);
  t.is(journalLineProblem({kind: 'calibration', throughput: {a: 12.5}}), undefined);
  t.is(journalLineProblem(RUN), undefined);
  t.is(journalLineProblem({kind: 'failed', combination: 1, error: 'host b: every host was lost'}), undefined);
});

const problem = test.macro((t, line: unknown, expected: string) => t.is(journalLineProblem(line), expected));
test('a line that is not an object', problem, [1, 2], 'not a JSON object');
test('an unknown kind', problem, {kind: 'walk'}, 'unknown kind "walk"');
test('a run without its record', problem, {...RUN, record: undefined}, 'record is missing');
test('a run whose seconds became text', problem, {...RUN, record: {...RUN.record, seconds: 'fast'}}, 'record.seconds is "fast"');
test('a run whose accuracy became text', problem, {...RUN, record: {...RUN.record, accuracy: 'high'}}, 'record.accuracy is "high"');
test('a run without its faults', problem, {...RUN, record: {...RUN.record, faults: undefined}}, 'record.faults is missing');
test('a run numbered 0', problem, {...RUN, run: 0}, 'run is 0');
test('a combination index that is not whole', problem, {...RUN, combination: 0.5}, 'combination is 0.5');
test('a calibration of negative speed', problem, {kind: 'calibration', throughput: {a: -1}}, 'throughput must map hosts to trees per second');

test('a journal edited deep inside a run is bad input on --resume, not a crash later', (t) => {
  const folder = folderWith();
  const journal = Journal.create(join(folder, 'results'), 'sweep', 'small', 'fp');
  journal.recordRun(0, 1, false, RUN.record);
  journal.recordRun(0, 2, false, RUN.record);
  journal.close();
  const [start, first, second] = readFileSync(journal.file, 'utf8').trim().split('\n');
  writeFileSync(journal.file, `${start}\n${first.replace('"accuracy":0.9', '"accuracy":"high"')}\n${second}\n`);
  const error = t.throws(() => Journal.resume(join(folder, 'results'), 'sweep', 'fp'), {instanceOf: InputError});
  t.is(error?.details.line, 2);
  t.is(error?.exitCode, 2);
});
