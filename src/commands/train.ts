import {Flags} from '@oclif/core';
import {ClusterCommand} from '../cli/cluster-command.js';
import {concurrencyFlag} from '../cli/concurrency-flag.js';
import {MAX_SEED} from '../config/fields.js';
import {NETWORK_BOUNDS, NETWORK_RANGES, rangeText} from '../config/network-settings.js';
import {WORKLOAD_NAMES} from '../config/workload-names.js';
import {TRAINER_NAMES} from '../forest/trainer-names.js';
import {MISSING_POLICIES} from '../data/missing.js';
import {ACTIVATIONS, DEFAULT_NETWORK, OPTIMIZERS, SPLITS, REDUCTIONS} from '../network/spec.js';
import {trainCsv, type TrainCsvResult} from '../train/train-csv.js';
import {LIMITS} from '../limits.js';
import {printable} from '../text/printable.js';
import {confusionLines, importanceLines, rankedImportances} from '../report/train-output.js';

type Outcome<W> = Extract<TrainCsvResult, {workload: W}>;

export default class Train extends ClusterCommand {
  static override summary =
    'Train a random forest or a neural network on your CSV data, on this machine or across hosts, and save the model.';
  static override examples = [
    '<%= config.bin %> train --data data.csv --target label --trees 200 --out model.bin',
    '<%= config.bin %> train --data train.csv --test test.csv --target label --inventory inventory.yaml --hosts rpi1,desktop',
    '<%= config.bin %> train --data digits.csv --target digit --workload network --layers 256,128 --epochs 30 --out net.bin',
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
    workload: Flags.option({
      description: 'what to train: a random forest, or a neural network (a multi-layer perceptron)',
      options: WORKLOAD_NAMES,
      default: 'forest',
    })(),
    trees: Flags.integer({description: 'forest: how many trees to grow', default: 100, min: 1, max: LIMITS.trees}),
    'max-depth': Flags.integer({description: 'forest: deepest a tree may grow (default: until pure)', min: 1}),
    'max-features': Flags.string({
      description: 'forest: features tried per split: sqrt, log2, a count or a fraction',
      default: 'sqrt',
    }),
    criterion: Flags.option({
      description: 'forest: split quality',
      options: ['gini', 'entropy'] as const,
      default: 'gini',
    })(),
    'min-samples-split': Flags.integer({
      description: 'forest: fewest rows a node needs to be split',
      default: 2,
      min: 2,
    }),
    'min-samples-leaf': Flags.integer({description: 'forest: fewest rows a leaf may hold', default: 1, min: 1}),
    trainer: Flags.option({description: 'forest: tree learner', options: TRAINER_NAMES, default: 'native'})(),
    cores: Flags.integer({
      description:
        'cores of the local worker: slots that train trees, or threads that compute a network (default: all)',
      min: 1,
    }),
    layers: Flags.string({
      description: `network: hidden layer sizes, input side first, comma-separated (at most ${NETWORK_BOUNDS.layers} layers of ${NETWORK_BOUNDS.units} units)`,
      default: DEFAULT_NETWORK.layers.join(','),
    }),
    activation: Flags.option({
      description: 'network: activation of the hidden layers',
      options: ACTIVATIONS,
      default: DEFAULT_NETWORK.activation,
    })(),
    epochs: Flags.integer({
      description: 'network: passes over the training rows',
      default: DEFAULT_NETWORK.epochs,
      min: 1,
      max: NETWORK_BOUNDS.epochs,
    }),
    'batch-size': Flags.integer({
      description: "network: rows of one step's batch, divided among the hosts",
      default: DEFAULT_NETWORK.batchSize,
      min: 1,
      max: NETWORK_BOUNDS.batchSize,
    }),
    'learning-rate': Flags.string({
      description: `network: step size, ${rangeText(NETWORK_RANGES.learningRate)}`,
      default: String(DEFAULT_NETWORK.learningRate),
    }),
    optimizer: Flags.option({
      description: "network: adam, or sgd with --momentum, as scikit-learn's MLPClassifier does them",
      options: OPTIMIZERS,
      default: DEFAULT_NETWORK.optimizer,
    })(),
    momentum: Flags.string({
      description: `network: SGD's momentum, ${rangeText(NETWORK_RANGES.momentum)}`,
      default: String(DEFAULT_NETWORK.momentum),
    }),
    alpha: Flags.string({
      description: `network: L2 penalty on the weights (scikit-learn's alpha), ${rangeText(NETWORK_RANGES.alpha)}`,
      default: String(DEFAULT_NETWORK.alpha),
    }),
    split: Flags.option({
      description: "network: each batch divided among the hosts by their speeds, or equally (as PyTorch's DDP)",
      options: SPLITS,
      default: DEFAULT_NETWORK.split,
    })(),
    reduce: Flags.option({
      description: 'network: gradients summed by the coordinator, or by the hosts among themselves in a ring',
      options: REDUCTIONS,
      default: DEFAULT_NETWORK.reduce,
    })(),
    seed: Flags.integer({
      description: `seed, 0 to ${MAX_SEED}: the same seed gives the same test rows and the same forest or network`,
      default: 0,
      min: 0,
      max: MAX_SEED,
    }),
    inventory: Flags.string({char: 'i', description: 'hosts file, with --hosts', default: 'inventory.yaml'}),
    hosts: Flags.string({
      description:
        'train across these inventory hosts instead of locally: names, groups, globs, ranges (comma-separated)',
    }),
    out: Flags.string({char: 'o', description: 'where to save the model', default: 'model.bin'}),
    concurrency: concurrencyFlag,
  };

  async run() {
    const {flags, metadata} = await this.parse(Train);
    const outcome = await this.interruptible((signal) =>
      trainCsv({
        ...flags,
        testFraction: flags['test-fraction'],
        maxDepth: flags['max-depth'],
        maxFeatures: flags['max-features'],
        minSamplesSplit: flags['min-samples-split'],
        minSamplesLeaf: flags['min-samples-leaf'],
        network: {
          ...flags,
          batchSize: flags['batch-size'],
          learningRate: flags['learning-rate'],
        },
        given: Object.keys(flags).filter((name) => !metadata.flags[name]?.setFromDefault),
        signal,
      }),
    );
    for (const warning of outcome.warnings) this.logToStderr(`Warning: ${printable(warning)}`);
    const summary = outcome.workload === 'network' ? this.showNetwork(outcome) : this.showForest(outcome);
    this.log(
      outcome.testAccuracy === undefined
        ? 'No test rows.'
        : `Test accuracy ${outcome.testAccuracy.toFixed(4)} on ${outcome.testRows} rows.`,
    );
    if (outcome.confusion) for (const line of confusionLines(outcome.confusion, outcome.testRows)) this.log(line);
    const lost = outcome.workload === 'network' ? 'chunks of the step were computed' : 'trees were trained';
    for (const fault of outcome.faults)
      this.log(
        `Host ${fault.host} was lost (${printable(fault.message)}); its ${fault.requeued} unfinished ${lost} elsewhere.`,
      );
    this.log(`Model saved to ${printable(flags.out)}.`);
    const {train} = outcome;
    return {
      workload: outcome.workload,
      fitSeconds: outcome.fitSeconds,
      ...summary,
      testAccuracy: outcome.testAccuracy ?? null,
      confusion: outcome.confusion ?? null,
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

  private showForest(outcome: Outcome<'forest'>) {
    const {forest, train} = outcome;
    const where = outcome.hostsUsed
      .map((host) => `${host.name} (${host.cores} slot${host.cores > 1 ? 's' : ''})`)
      .join(', ');
    this.log(
      `Trained ${forest.trees} trees (${forest.trainer}) on ${train.rows} rows x ${train.features} features, ${train.classes.length} classes, on ${where}.`,
    );
    this.log(`Fit ${outcome.fitSeconds.toFixed(3)} s, ${outcome.treesPerSecond.toFixed(1)} trees/s.`);
    const {importances} = outcome;
    if (importances) for (const line of importanceLines(train.featureNames, importances)) this.log(line);
    else this.log(`Feature importances: not available from the ${forest.trainer} trainer's trees.`);
    return {
      treesPerSecond: outcome.treesPerSecond,
      trees: forest.trees,
      importances: importances ? rankedImportances(train.featureNames, importances) : null,
    };
  }

  private showNetwork(outcome: Outcome<'network'>) {
    const {network, train} = outcome;
    const where = outcome.hostsUsed.map((host) => host.name).join(', ');
    this.log(
      `Trained a network ${outcome.shape.sizes.join('-')} (${network.optimizer}, ${network.epochs} epoch${network.epochs > 1 ? 's' : ''}) on ${train.rows} rows x ${train.features} features, ${train.classes.length} classes, on ${where}.`,
    );
    this.log(`Fit ${outcome.fitSeconds.toFixed(3)} s, ${Math.round(outcome.rowsPerSecond)} rows/s.`);
    return {
      rowsPerSecond: outcome.rowsPerSecond,
      weightsHash: outcome.weightsHash,
      network,
      shape: outcome.shape.sizes,
    };
  }
}
