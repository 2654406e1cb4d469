import {writeFileSync} from 'node:fs';
import {Flags} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {loadCsvForModel} from '../data/csv.js';
import {loadModel} from '../forest/model-file.js';

export default class Predict extends ClusterCommand {
  static override summary = 'Predict the class of each row of a CSV file with a saved model.';
  static override examples = ['<%= config.bin %> predict --model model.bin --data new.csv --out predictions.csv'];

  static override flags = {
    model: Flags.string({char: 'm', description: 'a model saved by cluster train', required: true}),
    data: Flags.string({description: 'CSV with the columns the model was trained on', required: true}),
    out: Flags.string({char: 'o', description: 'write the predictions here (a CSV with one column, prediction) instead of stdout'}),
  };

  async run() {
    const {flags} = await this.parse(Predict);
    const {info, forest} = loadModel(flags.model);
    const rows = loadCsvForModel(flags.data, info);
    const predicted = Array.from(forest.predict(rows.values, info.featureNames.length), (c) => info.classes[c]);
    let accuracy: number | null = null;
    if (rows.labels) {
      const labels = rows.labels;
      accuracy = predicted.filter((name, row) => name === info.classes[labels[row]]).length / rows.rows;
    }
    if (flags.out) {
      writeFileSync(flags.out, `prediction\n${predicted.map(csvCell).join('\n')}\n`);
      this.log(`Wrote ${rows.rows} predictions to ${flags.out}.`);
    } else if (!this.jsonEnabled()) {
      process.stdout.write(`${predicted.join('\n')}\n`);
    }
    if (accuracy !== null) (flags.out ? this.log.bind(this) : this.logToStderr.bind(this))(`Accuracy ${accuracy.toFixed(4)} on ${rows.rows} rows (column ${info.target}).`);
    return {rows: rows.rows, accuracy, out: flags.out ?? null, predictions: flags.out ? undefined : predicted};
  }
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
