import {Flags} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {predictCsv} from '../train/predict-csv.js';
import {printable} from '../text/printable.js';
import {
  csvLine,
  type PredictionTable,
  predictionHeader,
  predictionRows,
  probabilityText,
} from '../train/prediction-table.js';

export default class Predict extends ClusterCommand {
  static override summary = 'Predict the class of each row of a CSV file with a saved model (a forest or a network).';
  static override examples = [
    '<%= config.bin %> predict --model model.bin --data new.csv --out predictions.csv',
    '<%= config.bin %> predict --model model.bin --data new.csv --proba --keep-columns --out scored.csv',
  ];

  static override flags = {
    model: Flags.string({char: 'm', description: 'a model saved by cluster train', required: true}),
    data: Flags.string({description: 'CSV with the columns the model was trained on', required: true}),
    delimiter: Flags.string({
      description: "field separator: ',' ';' '|' or tab (default: detected from the header and the first rows)",
    }),
    out: Flags.string({
      char: 'o',
      description:
        'write the predictions here (a CSV: prediction, and the columns --proba and --keep-columns add) instead of stdout',
    }),
    proba: Flags.boolean({
      description:
        "add each class's probability, one column proba_<class> per class (the trees' leaf distributions averaged, as scikit-learn's predict_proba; a network's softmax)",
    }),
    'keep-columns': Flags.boolean({
      description: "write the input's columns before the predictions, cell for cell, in the input's delimiter",
    }),
  };

  async run() {
    const {flags} = await this.parse(Predict);
    const result = predictCsv({...flags, keepColumns: flags['keep-columns']});
    for (const warning of result.warnings) this.logToStderr(`Warning: ${printable(warning)}`);
    if (result.out) this.log(`Wrote ${result.rows} predictions to ${printable(result.out)}.`);
    // The classes are the data file's words: one line each, shown, never obeyed (--out writes them as they are).
    else if (!this.jsonEnabled()) process.stdout.write(stdoutText(result.table));
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
      ...(flags.proba && !result.out
        ? {
            classes: result.table.classes,
            probabilities: perRow(result.table.probabilities!, result.table.classes.length),
          }
        : {}),
      warnings: result.warnings,
    };
  }
}

/** One class a line; with --proba or --keep-columns, the CSV --out would hold. Each cell shown, never obeyed. */
function stdoutText(table: PredictionTable): string {
  if (!table.probabilities && !table.kept) return `${table.predictions.map(printable).join('\n')}\n`;
  const lines = [predictionHeader(table), ...predictionRows(table)].map((cells) =>
    csvLine(cells.map(printable), table.delimiter),
  );
  return `${lines.join('\n')}\n`;
}

function perRow(probabilities: Float64Array, classes: number): number[][] {
  return Array.from({length: probabilities.length / classes}, (_, row) =>
    Array.from(probabilities.subarray(row * classes, (row + 1) * classes), (p) => Number(probabilityText(p))),
  );
}
