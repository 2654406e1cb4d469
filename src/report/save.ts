import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import type {BenchResult} from '../results/result.js';
import {InputError} from '../errors.js';
import {ioProblem, writeWhole} from '../files/write-whole.js';
import {EXPORTERS, type ExportPaths, resultFiles} from './exporters.js';

/** The formats in the order they are written: those that link to others last. */
const WRITE_ORDER = [...EXPORTERS].sort((a, b) => Number(a.linksOthers ?? false) - Number(b.linksOthers ?? false));

/**
 * Writes results/<id>.{csv,md,json} and its two charts beside the run journal, and any exports
 * asked for; returns the paths written. Each file appears whole or not at all (written under a
 * temporary name, then renamed); the first that cannot be written fails with `again`, the way to
 * write them once the cause is fixed.
 */
export function saveResult(result: BenchResult, resultsDir: string, exports: ExportPaths, again?: string): string[] {
  const own = resultFiles(resultsDir, result.id);
  const files = [own, exports].flatMap((paths) =>
    WRITE_ORDER.map((exporter) => ({path: paths[exporter.format], exporter})),
  );
  const written: string[] = [];
  for (const {path, exporter} of files) {
    if (!path) continue;
    try {
      mkdirSync(dirname(path), {recursive: true});
      writeWhole(path, exporter.render(result, {path, own, exports}));
    } catch (error) {
      throw new InputError({
        file: path,
        problem: `cannot write (${ioProblem(error)})${savedSoFar(written, Object.values(own))}`,
        fix: `name a file you can write, or make room${again ? `; then write them again with: ${again}` : ''}`,
      });
    }
    written.push(path);
  }
  return written;
}

/** What was written before a failure; once the results folder's files all are, an export's failure loses no result. */
function savedSoFar(written: string[], own: string[]): string {
  if (written.length === 0) return '';
  if (own.every((file) => written.includes(file)))
    return `; the sweep's results are saved all the same: ${written.join(', ')}`;
  return `; written before it: ${written.join(', ')}`;
}
