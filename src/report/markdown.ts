import type {BenchResult} from '../bench/result.js';
import {COLUMNS} from './columns.js';
import {describeSetup} from './table.js';

export function renderMarkdown(result: BenchResult): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const lines = [
    `# ${result.experiment}: ideal vs measured time`,
    '',
    `| ${COLUMNS.map((c) => c.title).join(' | ')} |`,
    `| ${COLUMNS.map((c, i) => (i === 0 || c.csv === 'hosts' ? '---' : '---:')).join(' | ')} |`,
    ...result.rows.map((row) => `| ${COLUMNS.map((c) => cell(c.format(row))).join(' | ')} |`),
    '',
    ...describeSetup(result).split('\n').map((line) => `${line}  `),
    '',
  ];
  return lines.join('\n');
}
