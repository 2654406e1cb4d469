import type {ModelledResult} from '../results/capacity/bench-model.js';
import {renderModelMarkdown} from './analysis-markdown.js';
import {type BenchResult, unitOf} from '../results/result.js';
import {timelineCaption} from './timeline-chart.js';
import {capitalise} from '../text/capitalise.js';
import {shellQuote} from '../text/shell-quote.js';
import {markdownCell} from '../text/markdown-cell.js';
import {COLUMNS} from './columns.js';
import {describeSetup, renderWarnings} from './table.js';

/**
 * `charts` are the paths of the SVG charts, relative to where the Markdown is written; `jsonFile` the
 * sweep's JSON as seen from where bench ran (results/<id>.json), so its analyze command runs there.
 */
export function renderMarkdown(
  result: ModelledResult,
  charts?: {timeline: string; scaling: string},
  jsonFile = `${result.id}.json`,
): string {
  const cell = markdownCell;
  const lines = [
    `# ${cell(result.experiment)}: ideal vs measured time`,
    '',
    `| ${COLUMNS.map((c) => c.title).join(' | ')} |`,
    `| ${COLUMNS.map((c, i) => (i === 0 || c.csv === 'hosts' || c.csv === 'warnings' ? '---' : '---:')).join(' | ')} |`,
    ...result.rows.map((row) => `| ${COLUMNS.map((c) => cell(c.format(row))).join(' | ')} |`),
    '',
    ...describeSetup(result)
      .split('\n')
      .map((line) => `${line}  `),
    '',
    ...result.rows.filter((row) => row.error).map((row) => `- ${cell(row.hardware)} failed: ${cell(row.error!)}`),
    ...faultLines(result).map(cell),
    ...renderWarnings(result).map((line) => `- ${cell(line)}`),
    ...(charts
      ? [
          '',
          `![Time against cores](${charts.scaling})`,
          '',
          `![${capitalise(timelineCaption(result))}](${charts.timeline})`,
          '',
        ]
      : []),
    ...(result.model ? ['', ...renderModelMarkdown(result.model, shellQuote(jsonFile))] : []),
  ];
  return lines.join('\n');
}

function faultLines(result: BenchResult): string[] {
  return result.rows.flatMap((row) =>
    [...row.warmup, ...row.runs].flatMap((run) =>
      run.faults.map(
        (f) =>
          `- ${row.hardware}: ${f.host} lost (${f.reason}) at ${f.at.toFixed(2)} s, ${f.requeued} ${unitOf(result)} trained elsewhere: ${f.message}`,
      ),
    ),
  );
}
