import {Args, Flags} from '@oclif/core';
import {type Analysis, analyzeTable} from '../results/capacity/analyze.js';
import {FIT_METHODS} from '../results/capacity/fit.js';
import {readObservedTable} from '../analyze/read-table.js';
import {renderAnalysis} from '../report/analysis.js';
import {ClusterCommand} from '../cli/cluster-command.js';
import {hereOrShipped} from '../config/shipped.js';

export default class Analyze extends ClusterCommand {
  static override summary =
    'Fit a capacity model to a sweep: what each kind of host is worth, which rows it cannot explain, and what other combinations would take.';
  static override examples = [
    '<%= config.bin %> analyze experiments/paper-table1-results.csv',
    '<%= config.bin %> analyze results/<id>.json --predict "3 x raspberry-pi, 2 x desktop" --next',
  ];

  static override args = {
    file: Args.string({
      description: 'a results CSV (hardware and measured_s columns) or JSON written by cluster bench',
      required: true,
    }),
  };

  static override flags = {
    predict: Flags.string({
      description:
        'a combination nobody ran, e.g. "3 x raspberry-pi, 2 x desktop": its predicted time and scalability (repeatable)',
      multiple: true,
    }),
    next: Flags.boolean({
      description: 'for the largest combination measured, the time one more host of each kind would save',
      default: false,
    }),
    fit: Flags.option({
      description:
        'what the fit minimises: relative (the relative errors of the times, the default) or rates (least squares on 1 / time)',
      options: FIT_METHODS,
      default: 'relative',
    })(),
  };

  async run(): Promise<Analysis> {
    const {args, flags} = await this.parse(Analyze);
    const analysis = analyzeTable(readObservedTable(hereOrShipped(args.file)), {
      fit: flags.fit,
      predict: flags.predict,
      next: flags.next,
    });
    this.log(renderAnalysis(analysis));
    return analysis;
  }
}
