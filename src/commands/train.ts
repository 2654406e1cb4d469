import {Flags} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {concurrencyFlag} from '../cli/concurrency-flag.js';
import {MAX_SEED} from '../config/fields.js';
import {TRAINER_NAMES} from '../forest/trainer-names.js';
import {MISSING_POLICIES} from '../data/missing.js';
import {trainCsv} from '../train/train-csv.js';
import {LIMITS} from '../limits.js';
import {printable} from '../text/printable.js';

export default class Train extends ClusterCommand {
  static override summary =
    'Train a random forest on your CSV data, on this machine or across hosts, and save the model.';
  static override examples = [
    '<%= config.bin %> train --data data.csv --target label --trees 200 --out model.bin',
    '<%= config.bin %> train --data train.csv --test test.csv --target label --inventory inventory.yaml --hosts rpi1,desktop',
  ];

  // An interrupted fit writes no model: nothing of it is kept.
  protected override interruptOutcome = 'nothing was saved';

  static override flags = {
    data: Flags.string({description: 'training data: CSV with a header row', required: true}),
    target: Flags.string({description: 'the column that holds the class', required: true}),
    test: Flags.string({
      description: 'test data (CSV with the same columns); else a share of --data is held out',
      exclusive: ['test-fraction'],
    }),
    'test-fraction': Flags.string({description: 'share of --data held out for testing, in [0, 1)', default: '0.25'}),
    delimiter: Flags.string({
      description: "field separator: ',' ';' '|' or tab (default: detected from the header and the first rows)",
    }),
    columns: Flags.string({description: 'the feature columns, comma-separated (default: every column but the target)'}),
    drop: Flags.string({description: 'columns not to train on, comma-separated (an id, a leak of the target)'}),
    missing: Flags.option({
      description:
        "a missing feature value (empty, NA, NaN, ?): error, drop its row, or fill with the training rows' mean or median (kept in the model for predict)",
      options: MISSING_POLICIES,
      default: 'error',
    })(),
    trees: Flags.integer({description: 'trees in the forest', default: 100, min: 1, max: LIMITS.trees}),
    'max-depth': Flags.integer({description: 'deepest a tree may grow (default: until pure)', min: 1}),
    'max-features': Flags.string({
      description: 'features tried per split: sqrt, log2, a count or a fraction',
      default: 'sqrt',
    }),
    criterion: Flags.option({description: 'split quality', options: ['gini', 'entropy'] as const, default: 'gini'})(),
    'min-samples-split': Flags.integer({description: 'fewest rows a node needs to be split', default: 2, min: 2}),
    'min-samples-leaf': Flags.integer({description: 'fewest rows a leaf may hold', default: 1, min: 1}),
    seed: Flags.integer({
      description: `forest seed, 0 to ${MAX_SEED}: the same seed gives the same forest`,
      default: 0,
      min: 0,
      max: MAX_SEED,
    }),
    trainer: Flags.option({description: 'tree learner', options: TRAINER_NAMES, default: 'native'})(),
    cores: Flags.integer({description: 'slots of the local worker (default: all cores)', min: 1}),
    inventory: Flags.string({char: 'i', description: 'hosts file, with --hosts', default: 'inventory.yaml'}),
    hosts: Flags.string({
      description:
        'train across these inventory hosts instead of locally: names, groups, globs, ranges (comma-separated)',
    }),
    out: Flags.string({char: 'o', description: 'where to save the model', default: 'model.bin'}),
    concurrency: concurrencyFlag,
  };

  async run() {
    const {flags} = await this.parse(Train);
    const outcome = await this.interruptible((signal) =>
      trainCsv({
        ...flags,
        testFraction: flags['test-fraction'],
        maxDepth: flags['max-depth'],
        maxFeatures: flags['max-features'],
        minSamplesSplit: flags['min-samples-split'],
        minSamplesLeaf: flags['min-samples-leaf'],
        criterion: flags.criterion,
        trainer: flags.trainer,
        missing: flags.missing,
        signal,
      }),
    );
    const {forest, train} = outcome;
    for (const warning of outcome.warnings) this.logToStderr(`Warning: ${printable(warning)}`);
    const where = outcome.hostsUsed
      .map((host) => `${host.name} (${host.cores} slot${host.cores > 1 ? 's' : ''})`)
      .join(', ');
    this.log(
      `Trained ${forest.trees} trees (${forest.trainer}) on ${train.rows} rows x ${train.features} features, ${train.classes.length} classes, on ${where}.`,
    );
    this.log(`Fit ${outcome.fitSeconds.toFixed(3)} s, ${outcome.treesPerSecond.toFixed(1)} trees/s.`);
    this.log(
      outcome.testAccuracy === undefined
        ? 'No test rows.'
        : `Test accuracy ${outcome.testAccuracy.toFixed(4)} on ${outcome.testRows} rows.`,
    );
    for (const fault of outcome.faults)
      this.log(
        `Host ${fault.host} was lost (${printable(fault.message)}); its ${fault.requeued} unfinished trees were trained elsewhere.`,
      );
    this.log(`Model saved to ${printable(flags.out)}.`);
    return {
      fitSeconds: outcome.fitSeconds,
      treesPerSecond: outcome.treesPerSecond,
      testAccuracy: outcome.testAccuracy ?? null,
      trees: forest.trees,
      classes: train.classes,
      rows: train.rows,
      testRows: outcome.testRows,
      features: train.features,
      hosts: outcome.hosts,
      faults: outcome.faults,
      warnings: outcome.warnings,
      model: flags.out,
    };
  }
}
