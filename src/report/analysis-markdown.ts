import {markdownCell as cell} from '../text/markdown-cell.js';
import {type Analysis, percent, signedPercent} from '../results/capacity/analyze.js';

/** The model's section of the bench's Markdown report: speeds, then each row's residual. */
export function renderModelMarkdown(model: Analysis, jsonFile: string): string[] {
  const kinds = Object.keys(model.speeds);
  const interval = (kind: string) => {
    const ci = model.speeds_ci95[kind];
    return kind === model.base_kind ? '(unit)' : ci ? `${ci[0].toFixed(3)} to ${ci[1].toFixed(3)}` : '';
  };
  return [
    '## Capacity model',
    '',
    `Time = work / sum of the hosts' speeds, one speed per kind of host, fitted to the relative errors of the times; work ${model.work_s.toFixed(2)} s on one ${cell(model.base_kind)} host. \`cluster analyze ${jsonFile}\`, run where bench ran, says more (\`--predict\`, \`--next\`).`,
    '',
    `| Kind | Speed | 95% interval |${model.per_core ? ` Per core (${cell(model.base_kind)} cores) |` : ''}`,
    `| --- | ---: | ---: |${model.per_core ? ' ---: |' : ''}`,
    ...kinds.map(
      (kind) =>
        `| ${cell(kind)} | ${model.speeds[kind].toFixed(3)} | ${interval(kind)} |${model.per_core ? ` ${model.per_core[kind].toFixed(2)} |` : ''}`,
    ),
    '',
    '| Hardware | Measured (s) | Model (s) | Residual | Run spread |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...model.rows.map(
      (row) =>
        `| ${cell(row.hardware)} | ${row.measured_s.toFixed(2)} | ${row.predicted_s?.toFixed(2) ?? ''} | ${row.residual === null ? '' : signedPercent(row.residual)} | ${row.spread === null ? '' : percent(row.spread)} |`,
    ),
    '',
    ...model.warnings.map((warning) => `- Warning: ${cell(warning)}.`),
  ];
}
