import type {Host} from '../config/inventory.js';
import {checkLocalCopies} from '../coordinator/local-copies.js';
import type {Fault, HostRun} from '../coordinator/run.js';
import {trainNetworkAcross} from '../coordinator/train-network.js';
import {type Dataset, hashDataset} from '../data/dataset.js';
import {InputError} from '../errors.js';
import type {Shape} from '../network/model.js';
import {predictClasses} from '../network/predict.js';
import {accuracyOf, type Confusion, confusionOf} from '../results/confusion.js';
import type {SavedNetwork} from '../network/model-file.js';
import type {NetworkSpec} from '../network/spec.js';
import {standardisationOf, standardise} from '../network/standardise.js';
import {type StartingWorkers, withWorkers} from './with-workers.js';

export interface NetworkTrainRequest {
  train: Dataset;
  /** Held-out rows with labels as indices into the training classes (-1 for a class never trained on). */
  test?: {rows: number; values: Float64Array; labels: Int32Array};
  network: NetworkSpec;
  hosts: Host[];
  concurrency?: number;
  /** Where the data came from, for error messages and the model file. */
  source: {file: string; target: string};
  signal?: AbortSignal;
  /** The hosts' workers, already starting; else they start here. */
  starting?: StartingWorkers;
}

export interface NetworkTrainOutcome {
  fitSeconds: number;
  /** Training rows times epochs, over the fit's seconds. */
  rowsPerSecond: number;
  testAccuracy: number | undefined;
  /** On the test rows, when there are some. */
  confusion: Confusion | undefined;
  weightsHash: string;
  shape: Shape;
  model: SavedNetwork;
  hosts: HostRun[];
  faults: Fault[];
}

/**
 * `cluster train --workload network`: the bench's machinery for one network on the user's data,
 * its features standardised on the training rows (the model keeps the means and scales). Locally
 * too it trains in a worker, through the same trainNetworkAcross, so its weights are those of
 * any set of hosts.
 */
export async function trainNetworkModel(request: NetworkTrainRequest): Promise<NetworkTrainOutcome> {
  const {train, test, network, hosts} = request;
  checkLearnable(train, request.source);
  const scaling = standardisationOf(train);
  const scaled = standardise(train, scaling);
  checkLocalCopies(hosts, scaled);
  return withWorkers(hosts, request, async (workers) => {
    const trained = await trainNetworkAcross({
      workers: workers.get(hosts.map((host) => host.name)),
      dataset: scaled,
      datasetHash: hashDataset(scaled),
      spec: network,
      split: network.split,
    });
    let confusion: Confusion | undefined;
    if (test && test.rows > 0) {
      const x = standardise({...test, features: train.features}, scaling).values;
      const predicted = predictClasses(trained.parameters, trained.shape, network.activation, x, test.rows);
      confusion = confusionOf(train.classes, test.labels, predicted);
    }
    return {
      fitSeconds: trained.seconds,
      rowsPerSecond: (train.rows * network.epochs) / trained.seconds,
      testAccuracy: confusion && accuracyOf(confusion),
      confusion,
      weightsHash: trained.weightsHash,
      shape: trained.shape,
      model: {
        network,
        classes: train.classes,
        featureNames: train.featureNames,
        ...(train.categories ? {categories: train.categories} : {}),
        target: request.source.target,
        standardisation: {mean: [...scaling.mean], scale: [...scaling.scale]},
        parameters: trained.parameters,
      },
      hosts: trained.hosts,
      faults: trained.faults,
    };
  });
}

/** A network learns from at least two rows of at least two classes. */
function checkLearnable(data: Dataset, where: {file: string; target: string}): void {
  if (data.rows < 2)
    throw new InputError({
      file: where.file,
      problem: `only ${data.rows} training row${data.rows === 1 ? '' : 's'}`,
      fix: 'a network needs at least 2 rows to learn from',
    });
  if (new Set(data.labels).size < 2)
    throw new InputError({
      file: where.file,
      field: where.target,
      problem: `only one class ('${data.classes[data.labels[0] ?? 0]}') among the training rows`,
      fix: 'a classifier needs rows of at least two classes',
    });
}
