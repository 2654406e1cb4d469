import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {BenchResult} from '../bench/result.js';
import {renderCsv} from './csv.js';
import {renderMarkdown} from './markdown.js';

export interface ExportPaths {
  csv?: string;
  markdown?: string;
  json?: string;
}

export function renderJson(result: BenchResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Writes results/<id>.{csv,md,json} beside the run journal, and any exports asked for; returns the paths written. */
export function saveResult(result: BenchResult, resultsDir: string, exports: ExportPaths): string[] {
  const base = join(resultsDir, result.id);
  const files: [string | undefined, () => string][] = [
    [`${base}.csv`, () => renderCsv(result)],
    [`${base}.md`, () => renderMarkdown(result)],
    [`${base}.json`, () => renderJson(result)],
    [exports.csv, () => renderCsv(result)],
    [exports.markdown, () => renderMarkdown(result)],
    [exports.json, () => renderJson(result)],
  ];
  const written: string[] = [];
  for (const [path, render] of files) {
    if (!path) continue;
    mkdirSync(dirname(path), {recursive: true});
    writeFileSync(path, render());
    written.push(path);
  }
  return written;
}
