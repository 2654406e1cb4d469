import {Flags} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {predictCsv} from '../train/predict-csv.js';
import {printable} from '../text/printable.js';

export default class Predict extends ClusterCommand {
  static override summary = 'Predict the class of each row of a CSV file with a saved model (a forest or a network).';
  static override examples = ['<%= config.bin %> predict --model model.bin --data new.csv --out predictions.csv'];

  static override flags = {
    model: Flags.string({char: 'm', description: 'a model saved by cluster train', required: true}),
    data: Flags.string({description: 'CSV with the columns the model was trained on', required: true}),
    delimiter: Flags.string({
      description: "field separator: ',' ';' '|' or tab (default: detected from the header and the first rows)",
    }),
    out: Flags.string({
      char: 'o',
      description: 'write the predictions here (a CSV with one column, prediction) instead of stdout',
    }),
  };

  async run() {
    const {flags} = await this.parse(Predict);
    const result = predictCsv(flags);
    for (const warning of result.warnings) this.logToStderr(`Warning: ${printable(warning)}`);
    if (result.out) this.log(`Wrote ${result.rows} predictions to ${printable(result.out)}.`);
    // The classes are the data file's words: one line each, shown, never obeyed (--out writes them as they are).
    else if (!this.jsonEnabled()) process.stdout.write(`${result.predictions.map(printable).join('\n')}\n`);
    if (result.accuracy !== null)
      (result.out ? this.log.bind(this) : this.logToStderr.bind(this))(
        `Accuracy ${result.accuracy.toFixed(4)} on ${result.labelled}${result.labelled < result.rows ? ` labelled` : ''} rows (column ${printable(result.target)}).`,
      );
    return {
      kind: result.kind,
      rows: result.rows,
      accuracy: result.accuracy,
      out: result.out,
      predictions: result.out ? undefined : result.predictions,
      warnings: result.warnings,
    };
  }
}
