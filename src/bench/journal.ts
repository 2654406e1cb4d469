import {closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync} from 'node:fs';
import {join} from 'node:path';
import {InputError} from '../errors.js';
import type {RunRecord} from './result.js';

type Line =
  | {kind: 'start'; id: string; experiment: string; fingerprint: string; startedAt: string}
  | {kind: 'calibration'; throughput: Record<string, number>}
  | {kind: 'run'; combination: number; run: number; warmup: boolean; record: RunRecord}
  | {kind: 'failed'; combination: number; error: string};

/**
 * results/<id>.jsonl: every finished run is appended and flushed at once, so an interrupted sweep
 * loses nothing it finished, and `--resume <id>` continues from there.
 */
export class Journal {
  private constructor(
    readonly id: string,
    readonly file: string,
    readonly startedAt: string,
    private readonly lines: Line[],
  ) {}

  static create(resultsDir: string, id: string, experiment: string, fingerprint: string): Journal {
    mkdirSync(resultsDir, {recursive: true});
    const journal = new Journal(id, join(resultsDir, `${id}.jsonl`), new Date().toISOString(), []);
    journal.append({kind: 'start', id, experiment, fingerprint, startedAt: journal.startedAt});
    return journal;
  }

  /** `id` may be the id or the path of its .jsonl file. */
  static resume(resultsDir: string, id: string, fingerprint: string): Journal {
    const file = id.endsWith('.jsonl') ? id : join(resultsDir, `${id}.jsonl`);
    if (!existsSync(file)) throw new InputError({file, problem: 'no such interrupted sweep', fix: `--resume takes an id printed by an earlier bench (files in ${resultsDir}/*.jsonl)`});
    const lines: Line[] = [];
    readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      if (text.trim() === '') return;
      try {
        lines.push(JSON.parse(text));
      } catch {
        // A line cut short by a crash is the one run that did not finish: it runs again.
        if (i === 0) throw new InputError({file, line: 1, problem: 'not a bench journal', fix: 'pass the id of an earlier bench'});
      }
    });
    const start = lines[0];
    if (start?.kind !== 'start') throw new InputError({file, line: 1, problem: 'not a bench journal', fix: 'pass the id of an earlier bench'});
    if (start.fingerprint !== fingerprint) {
      throw new InputError({file, problem: `was made by another experiment, inventory or data set than the one given now`, fix: `resume with the same --experiment and --inventory as the sweep ${start.id}`});
    }
    return new Journal(start.id, file, start.startedAt, lines);
  }

  get calibration(): Record<string, number> | undefined {
    return this.lines.findLast((line): line is Extract<Line, {kind: 'calibration'}> => line.kind === 'calibration')?.throughput;
  }

  runsOf(combination: number): Extract<Line, {kind: 'run'}>[] {
    return this.lines.filter((line): line is Extract<Line, {kind: 'run'}> => line.kind === 'run' && line.combination === combination).sort((a, b) => a.run - b.run);
  }

  failureOf(combination: number): string | undefined {
    return this.lines.find((line): line is Extract<Line, {kind: 'failed'}> => line.kind === 'failed' && line.combination === combination)?.error;
  }

  recordCalibration(throughput: Map<string, number>): void {
    this.append({kind: 'calibration', throughput: Object.fromEntries(throughput)});
  }

  recordRun(combination: number, run: number, warmup: boolean, record: RunRecord): void {
    this.append({kind: 'run', combination, run, warmup, record});
  }

  recordFailure(combination: number, error: string): void {
    this.append({kind: 'failed', combination, error});
  }

  private append(line: Line): void {
    this.lines.push(line);
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, `${JSON.stringify(line)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
