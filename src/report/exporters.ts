import {dirname, join, relative} from 'node:path';
import type {BenchResult} from '../results/result.js';
import {plainNameProblem} from '../files/plain-name.js';
import {renderCsv} from './csv.js';
import {renderJson} from './json.js';
import {renderMarkdown} from './markdown.js';
import {renderScalingSvg} from './scaling-chart.js';
import {renderTimelineSvg} from './timeline-chart.js';

export type ExportFormat = 'csv' | 'markdown' | 'json' | 'timeline' | 'scaling';

/** A file per format: the sweep's own in the results folder, or the exports asked for. */
export type ExportPaths = Partial<Record<ExportFormat, string>>;

/** What a format is rendered from: the file it goes to, and the other files it may link to. */
export interface ExportTarget {
  path: string;
  /** The sweep's own files in the results folder. */
  own: Record<ExportFormat, string>;
  exports: ExportPaths;
}

export interface Exporter {
  format: ExportFormat;
  /** bench's flag for it, `--export-<format>`. */
  flag: `export-${ExportFormat}`;
  /** The flag's help. */
  description: string;
  /** Its file in the results folder: `<id><suffix>`. */
  suffix: string;
  /** Written after the others, since it links to them. */
  linksOthers?: boolean;
  render: (result: BenchResult, target: ExportTarget) => string;
}

/** Every format bench writes, in the order of its flags; the one list flags, checks and saving all read. */
export const EXPORTERS: readonly Exporter[] = [
  {
    format: 'csv',
    flag: 'export-csv',
    description: 'also write the table as CSV to this file',
    suffix: '.csv',
    render: (result) => renderCsv(result),
  },
  {
    format: 'markdown',
    flag: 'export-markdown',
    description: 'also write the table as Markdown to this file',
    suffix: '.md',
    linksOthers: true,
    render: (result, {path, own, exports}) =>
      renderMarkdown(
        result,
        {
          timeline: relative(dirname(path), exports.timeline ?? own.timeline),
          scaling: relative(dirname(path), exports.scaling ?? own.scaling),
        },
        own.json,
      ),
  },
  {
    format: 'json',
    flag: 'export-json',
    description: 'also write the full result as JSON to this file',
    suffix: '.json',
    render: (result) => renderJson(result),
  },
  {
    format: 'timeline',
    flag: 'export-timeline',
    description: 'also draw which slot trained which tree when, as an SVG Gantt chart, to this file',
    suffix: '-timeline.svg',
    render: (result) => renderTimelineSvg(result),
  },
  {
    format: 'scaling',
    flag: 'export-scaling',
    description: 'also draw time against cores (measured and both ideals), as SVG, to this file',
    suffix: '-scaling.svg',
    render: (result) => renderScalingSvg(result),
  },
];

export type ExportFlag = Exporter['flag'];

/** `bench`'s export flags by name (`export-csv`, ...), as given. */
export type ExportFlags = Partial<Record<ExportFlag, string>>;

/** The export flags as the files each format goes to. */
export function exportPathsOf(flags: ExportFlags): ExportPaths {
  return Object.fromEntries(EXPORTERS.map(({format, flag}) => [format, flags[flag]]));
}

/** Only the export flags of a command's flags, in the table's order. */
export function exportFlagsOf(flags: ExportFlags): ExportFlags {
  return Object.fromEntries(EXPORTERS.map(({flag}) => [flag, flags[flag]]));
}

/** The files a sweep of this id writes in the results folder, beside its journal. */
export function resultFiles(resultsDir: string, id: string): Record<ExportFormat, string> {
  // Journal.resume refuses such an id with its line; this guards every other way an id may come.
  if (plainNameProblem(id)) throw new Error(`sweep id ${JSON.stringify(id)} would write outside ${resultsDir}`);
  const base = join(resultsDir, id);
  return Object.fromEntries(EXPORTERS.map(({format, suffix}) => [format, `${base}${suffix}`])) as Record<
    ExportFormat,
    string
  >;
}

/**
 * With several engines or latencies, each writes its own exports: t.csv becomes t-native.csv and
 * t-dask.csv, or t-0ms.csv and t-20ms.csv.
 */
export function exportsLabelled<T extends ExportPaths | ExportFlags>(exports: T, label: string): T {
  return Object.fromEntries(
    Object.entries(exports).map(([key, path]) => [key, path && labelledPath(path, label)]),
  ) as T;
}

/** t.csv -> t-dask.csv. */
export function labelledPath(path: string, label: string): string {
  return path.replace(/(\.[^./]*)?$/, (extension) => `-${label}${extension}`);
}
