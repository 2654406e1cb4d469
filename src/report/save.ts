import {mkdirSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import type {BenchResult} from '../bench/result.js';
import {InputError} from '../errors.js';
import {plainNameProblem} from '../files/plain-name.js';
import {ioProblem, writeWhole} from '../files/write-whole.js';
import {renderCsv} from './csv.js';
import {renderMarkdown} from './markdown.js';
import {renderScalingSvg} from './scaling-chart.js';
import {renderTimelineSvg} from './timeline-chart.js';
import {printableJson} from '../text/printable.js';

export interface ExportPaths {
  csv?: string;
  markdown?: string;
  json?: string;
  timeline?: string;
  scaling?: string;
}

/** With several engines, each writes its own exports: t.csv becomes t-native.csv and t-dask.csv. */
export function exportsForEngine(exports: ExportPaths, engine: string): ExportPaths {
  const named = (path: string | undefined) => path && pathForEngine(path, engine);
  return {
    csv: named(exports.csv),
    markdown: named(exports.markdown),
    json: named(exports.json),
    timeline: named(exports.timeline),
    scaling: named(exports.scaling),
  };
}

/** t.csv -> t-dask.csv. */
export function pathForEngine(path: string, engine: string): string {
  return path.replace(/(\.[^./]*)?$/, (extension) => `-${engine}${extension}`);
}

/** With several latencies, each writes its own exports: t.csv becomes t-0ms.csv and t-20ms.csv. */
export function exportsForLatency(exports: ExportPaths, label: string): ExportPaths {
  return exportsForEngine(exports, label);
}

/** The files a sweep of this id writes in the results folder, beside its journal. */
export function resultFiles(resultsDir: string, id: string): Required<ExportPaths> {
  // Journal.resume refuses such an id with its line; this guards every other way an id may come.
  if (plainNameProblem(id)) throw new Error(`sweep id ${JSON.stringify(id)} would write outside ${resultsDir}`);
  const base = join(resultsDir, id);
  return {
    csv: `${base}.csv`,
    json: `${base}.json`,
    timeline: `${base}-timeline.svg`,
    scaling: `${base}-scaling.svg`,
    markdown: `${base}.md`,
  };
}

/** With the control characters JSON.stringify leaves raw escaped too, so `cat` shows the file as it is. */
export function renderJson(result: BenchResult): string {
  return `${printableJson(JSON.stringify(result, null, 2))}\n`;
}

/**
 * Writes results/<id>.{csv,md,json} and its two charts beside the run journal, and any exports
 * asked for; returns the paths written. Each file appears whole or not at all (written under a
 * temporary name, then renamed); the first that cannot be written fails with `again`, the way to
 * write them once the cause is fixed.
 */
export function saveResult(result: BenchResult, resultsDir: string, exports: ExportPaths, again?: string): string[] {
  const own = resultFiles(resultsDir, result.id);
  const markdownFor = (path: string) => () =>
    renderMarkdown(
      result,
      {
        timeline: relative(dirname(path), exports.timeline ?? own.timeline),
        scaling: relative(dirname(path), exports.scaling ?? own.scaling),
      },
      own.json,
    );
  const files: [string | undefined, () => string][] = [
    [own.csv, () => renderCsv(result)],
    [own.json, () => renderJson(result)],
    [own.timeline, () => renderTimelineSvg(result)],
    [own.scaling, () => renderScalingSvg(result)],
    [own.markdown, markdownFor(own.markdown)],
    [exports.csv, () => renderCsv(result)],
    [exports.json, () => renderJson(result)],
    [exports.timeline, () => renderTimelineSvg(result)],
    [exports.scaling, () => renderScalingSvg(result)],
    [exports.markdown, markdownFor(exports.markdown ?? '.')],
  ];
  const written: string[] = [];
  for (const [path, render] of files) {
    if (!path) continue;
    try {
      mkdirSync(dirname(path), {recursive: true});
      writeWhole(path, render());
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
