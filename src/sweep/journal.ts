import {randomBytes} from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {InputError} from '../errors.js';
import {UNTRUSTED_LINK_FIX, walkLinks} from '../files/links.js';
import {plainNameProblem} from '../files/plain-name.js';
import {readTextFile} from '../files/read-text.js';
import {LIMITS} from '../limits.js';
import {journalLineProblem, planProblem, type SweepPlan, upgradeJournalLine} from './journal-check.js';
import {FINGERPRINT_SETTINGS} from './fingerprint.js';
import {JournalLock} from './journal-lock.js';
import type {RunRecord} from '../results/result.js';

type Line =
  | {kind: 'start'; id: string; experiment: string; fingerprint: string; startedAt: string}
  /** `loaded`: hosts measured under other processes' load, and the share those took (missing when none). */
  | {kind: 'calibration'; throughput: Record<string, number>; loaded?: Record<string, number>}
  | {kind: 'run'; combination: number; run: number; warmup: boolean; record: RunRecord}
  | {kind: 'failed'; combination: number; error: string};

/**
 * results/<id>.jsonl: every finished run is appended and flushed at once, so an interrupted sweep
 * loses nothing it finished, and `--resume <id>` continues from there. Each record is written whole
 * or not at all, and one process at a time holds a sweep (results/<id>.lock).
 */
export class Journal {
  /** The command that continues this sweep, for the message when a write fails. */
  resumeCommand: string | undefined;
  /** What reading it found and mended (a record cut short), for the user. */
  notice: string | undefined;

  private constructor(
    readonly id: string,
    readonly file: string,
    readonly startedAt: string,
    private readonly lines: Line[],
    private readonly lock: JournalLock,
  ) {}

  /** Fails, naming the folder, when results cannot be written there: before any worker starts, leaving no trace. */
  static checkWritable(resultsDir: string): void {
    // The folder itself or one above it may be a link another user planted, to a folder of ours.
    const end = walkLinks(resultsDir);
    if ('problem' in end) throw new InputError({file: '--results-dir', problem: end.problem, fix: UNTRUSTED_LINK_FIX});
    // A random name made exclusively: a guessable one in a shared folder (--results-dir /tmp) could be a planted link.
    const probe = join(resultsDir, `.write-test-${randomBytes(8).toString('hex')}`);
    const made: string[] = [];
    try {
      // One level at a time: a recursive mkdir reports a read-only parent as ENOENT.
      for (const level of ancestors(resultsDir)) {
        if (existsSync(level)) continue;
        // A link to nothing cannot be made a folder (mkdir says only EEXIST): say where it points.
        const target = linkTarget(level);
        if (target !== undefined)
          throw new InputError({
            file: resultsDir,
            problem: `${level} is a link to ${target}, which does not exist`,
            fix: 'create the folder it points to, or choose another with --results-dir',
          });
        mkdirSync(level);
        made.unshift(level);
      }
      closeSync(openSync(probe, 'wx'));
      rmSync(probe);
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError({
        file: resultsDir,
        problem: `cannot write results here (${describeIoError(error)})`,
        fix: 'choose a folder you can write with --results-dir',
      });
    } finally {
      for (const level of made) rmdirSync(level);
    }
  }

  static create(resultsDir: string, id: string, experiment: string, fingerprint: string): Journal {
    if (plainNameProblem(id)) throw new Error(`bad sweep id ${JSON.stringify(id)}`);
    mkdirSync(resultsDir, {recursive: true});
    const file = join(resultsDir, `${id}.jsonl`);
    const journal = new Journal(id, file, new Date().toISOString(), [], JournalLock.acquire(file));
    try {
      // Made here, by us alone: a link or file planted under the (guessable) id is refused, never written through.
      closeSync(
        openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666),
      );
      journal.append({kind: 'start', id, experiment, fingerprint, startedAt: journal.startedAt});
    } catch (error) {
      // Nothing ran yet: leave no journal that --resume could not read (and never remove what was there before).
      journal.close();
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new InputError({
          file,
          problem: 'exists already, though this sweep has just begun (a file or link put there by something else)',
          fix: 'remove it, or run the bench again: a new sweep takes a new id',
        });
      rmSync(file, {force: true});
      throw error;
    }
    return journal;
  }

  /** The journal `--resume` names: `id` may be the id or the path of its .jsonl file. */
  static fileFor(resultsDir: string, id: string): string {
    return id.endsWith('.jsonl') ? id : join(resultsDir, `${id}.jsonl`);
  }

  /** `id` may be the id or the path of its .jsonl file. */
  static resume(resultsDir: string, id: string, fingerprint: string, plan: SweepPlan): Journal {
    const file = Journal.fileFor(resultsDir, id);
    if (!existsSync(file))
      throw new InputError({
        file,
        problem: 'no such interrupted sweep',
        fix: `--resume takes an id printed by an earlier bench (files in ${resultsDir}/*.jsonl)`,
      });
    const end = walkLinks(file);
    if ('problem' in end) throw new InputError({file, problem: end.problem, fix: UNTRUSTED_LINK_FIX});
    // Locked before it is read: no other process appends while this one decides what is left to run.
    const lock = JournalLock.acquire(file);
    try {
      const {lines, lineNumbers, torn} = readJournal(file);
      const start = lines[0];
      if (start?.kind !== 'start')
        throw new InputError({file, line: 1, problem: 'not a bench journal', fix: 'pass the id of an earlier bench'});
      // The id names the result files in the results folder: `../../package` would replace package.json.
      const idProblem = plainNameProblem(start.id);
      if (idProblem)
        throw new InputError({
          file,
          line: lineNumbers[0],
          field: 'id',
          problem: idProblem,
          fix: `put back the id bench wrote (the journal's file name without .jsonl), or start the sweep again without --resume`,
        });
      if (start.fingerprint !== fingerprint) {
        throw new InputError({
          file,
          problem: 'was made with other settings than the ones given now',
          fix: `resume with what the sweep ${start.id} was started with: ${FINGERPRINT_SETTINGS}`,
        });
      }
      // Same fingerprint, same plan: a run or combination outside it was written by hand.
      const outside = planProblem(lines, plan);
      if (outside)
        throw new InputError({
          file,
          line: lineNumbers[outside.index],
          problem: outside.problem,
          fix: outside.problem.startsWith('record.')
            ? EDITED_FIX
            : 'remove that line, or start the sweep again without --resume',
        });
      const journal = new Journal(start.id, file, start.startedAt, lines, lock);
      if (torn) {
        // Cut away, so the next record starts on a line of its own.
        truncateSync(file, torn.keep);
        journal.notice = `${file}:${torn.line}: the last record was cut short (a crash or a full disk) and is dropped; its run runs again`;
      }
      return journal;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Lets another process take the sweep up. */
  close(): void {
    this.lock.release();
  }

  /** The sweep's calibration, and the hosts measured under load, when it was recorded before an interruption. */
  get calibration(): {throughput: Map<string, number>; loaded: Map<string, number>} | undefined {
    const line = this.lines.findLast((l): l is Extract<Line, {kind: 'calibration'}> => l.kind === 'calibration');
    return (
      line && {throughput: new Map(Object.entries(line.throughput)), loaded: new Map(Object.entries(line.loaded ?? {}))}
    );
  }

  runsOf(combination: number): Extract<Line, {kind: 'run'}>[] {
    return this.lines
      .filter((line): line is Extract<Line, {kind: 'run'}> => line.kind === 'run' && line.combination === combination)
      .sort((a, b) => a.run - b.run);
  }

  failureOf(combination: number): string | undefined {
    return this.lines.find(
      (line): line is Extract<Line, {kind: 'failed'}> => line.kind === 'failed' && line.combination === combination,
    )?.error;
  }

  recordCalibration({throughput, loaded}: {throughput: Map<string, number>; loaded: Map<string, number>}): void {
    this.append({
      kind: 'calibration',
      throughput: Object.fromEntries(throughput),
      ...(loaded.size > 0 ? {loaded: Object.fromEntries(loaded)} : {}),
    });
  }

  recordRun(combination: number, run: number, warmup: boolean, record: RunRecord): void {
    this.append({kind: 'run', combination, run, warmup, record});
  }

  recordFailure(combination: number, error: string): void {
    this.append({kind: 'failed', combination, error});
  }

  /** The record, whole and on disk, or nothing: a write cut short (a full disk) is cut away again. */
  private append(line: Line): void {
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`);
    let fd: number | undefined;
    let size = 0;
    try {
      // Appended to, never created: the journal was made (or read) before, and a name gone since is not made again.
      fd = openSync(this.file, constants.O_WRONLY | constants.O_APPEND);
      size = fstatSync(fd).size;
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } catch (error) {
      if (fd !== undefined) {
        try {
          ftruncateSync(fd, size);
        } catch {
          // The reader drops a torn last record anyway.
        }
      }
      const resume = this.resumeCommand
        ? `; the runs before it are kept: make room, then continue with: ${this.resumeCommand}`
        : '';
      throw new InputError({file: this.file, problem: `cannot save the journal (${describeIoError(error)})${resume}`});
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    this.lines.push(line);
  }
}

/**
 * Every record of a journal. The last one may have been cut short by a crash: it is reported and
 * dropped (its run runs again). Anything else that is not a record is a damaged journal.
 */
function readJournal(file: string): {lines: Line[]; lineNumbers: number[]; torn?: {line: number; keep: number}} {
  const texts = readTextFile(file, {
    limit: LIMITS.journalBytes,
    what: 'a journal',
    tooLargeFix: 'this is not a journal the bench wrote; pass the id of an earlier bench',
  }).split('\n');
  const lastRecord = texts.findLastIndex((text) => text.trim() !== '');
  const lines: Line[] = [];
  const lineNumbers: number[] = [];
  let offset = 0;
  for (const [i, text] of texts.entries()) {
    const start = offset;
    offset += Buffer.byteLength(text) + 1;
    if (text.trim() === '') continue;
    const parsed = parseJson(text);
    if (parsed.complete) upgradeJournalLine(parsed.value);
    const problem = parsed.complete ? journalLineProblem(parsed.value) : undefined;
    // A record without its newline was never completed.
    if (parsed.complete && problem === undefined && i < texts.length - 1) {
      lines.push(parsed.value as Line);
      lineNumbers.push(i + 1);
      continue;
    }
    if (i === 0)
      throw new InputError({file, line: 1, problem: 'not a bench journal', fix: 'pass the id of an earlier bench'});
    // Whole JSON that is not a record was edited, wherever it is: only a line cut short is a crash's.
    if (problem !== undefined) throw new InputError({file, line: i + 1, problem, fix: EDITED_FIX});
    if (i !== lastRecord)
      throw new InputError({
        file,
        line: i + 1,
        problem: 'not a journal record (was the file edited?)',
        fix: 'remove that line, or start the sweep again without --resume',
      });
    return {lines, lineNumbers, torn: {line: i + 1, keep: start}};
  }
  return {lines, lineNumbers};
}

const EDITED_FIX = 'put back what bench wrote there, or start the sweep again without --resume';

function parseJson(text: string): {complete: true; value: unknown} | {complete: false} {
  try {
    return {complete: true, value: JSON.parse(text)};
  } catch {
    return {complete: false};
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** `a/b/c` -> `a`, `a/b`, `a/b/c` (absolute paths from the root). */
function ancestors(dir: string): string[] {
  const levels: string[] = [];
  for (let level = resolve(dir); level !== dirname(level); level = dirname(level)) levels.unshift(level);
  return levels;
}

function describeIoError(error: unknown): string {
  const {code, message} = error as NodeJS.ErrnoException;
  return code ? `${code}: ${message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '')}` : String(message);
}
