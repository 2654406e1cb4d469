import type {ForestSpec} from '../forest/spec.js';
import type {Host} from '../config/inventory.js';
import {checkLocalCopies} from '../coordinator/local-copies.js';
import type {Fault, HostRun} from '../coordinator/run.js';
import {trainForest} from '../coordinator/train-forest.js';
import {type Dataset, hashDataset} from '../data/dataset.js';
import {checkTrainable} from '../forest/check-data.js';
import type {SavedModel} from '../forest/model-file.js';
import {Forest} from '../forest/forest.js';
import {treeOptionsOf} from '../forest/trainer.js';
import {dynamicSchedule} from '../schedule/dynamic.js';
import {accuracyOf, type Confusion, confusionOf} from '../results/confusion.js';
import {type StartingWorkers, withWorkers} from './with-workers.js';

export interface TrainRequest {
  train: Dataset;
  /** Held-out rows with labels as indices into the training classes (-1 for a class never trained on). */
  test?: {rows: number; values: Float64Array; labels: Int32Array};
  forest: ForestSpec;
  hosts: Host[];
  /** Hosts reached at once when the workers start. */
  concurrency?: number;
  /** Where the data came from, for error messages and the model file. */
  source: {file: string; target: string};
  onTree?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** The hosts' workers, already starting; else they start here. */
  starting?: StartingWorkers;
}

export interface TrainOutcome {
  fitSeconds: number;
  treesPerSecond: number;
  testAccuracy: number | undefined;
  /** On the test rows, when there are some. */
  confusion: Confusion | undefined;
  /** Mean decrease in impurity per feature (scikit-learn's feature_importances_); undefined where the trainer's trees cannot say. */
  importances: number[] | undefined;
  model: SavedModel;
  hosts: HostRun[];
  faults: Fault[];
}

/** `cluster train`: the bench's machinery for one forest on the user's data. */
export async function trainModel(request: TrainRequest): Promise<TrainOutcome> {
  const {train, test, forest, hosts} = request;
  checkTrainable(train, forest, request.source);
  checkLocalCopies(hosts, train);
  return withWorkers(hosts, request, async (workers) => {
    const trained = await trainForest({
      workers: workers.get(hosts.map((host) => host.name)),
      dataset: train,
      datasetHash: hashDataset(train),
      options: treeOptionsOf(forest),
      trees: forest.trees,
      forestSeed: forest.seed,
      schedule: dynamicSchedule({hosts, trees: forest.trees}),
      onTree: request.onTree,
    });
    const merged = Forest.fromTrees(forest.trainer, train.classes, trained.trees);
    const confusion =
      test && test.rows > 0
        ? confusionOf(train.classes, test.labels, merged.predict(test.values, train.features))
        : undefined;
    const importances = merged.importances(forest.criterion, train.features);
    return {
      fitSeconds: trained.seconds,
      treesPerSecond: forest.trees / trained.seconds,
      testAccuracy: confusion && accuracyOf(confusion),
      confusion,
      importances: importances && [...importances],
      model: {
        forest,
        classes: train.classes,
        featureNames: train.featureNames,
        ...(train.categories ? {categories: train.categories} : {}),
        target: request.source.target,
        trees: trained.trees,
      },
      hosts: trained.hosts,
      faults: trained.faults,
    };
  });
}
