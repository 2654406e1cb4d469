import type {TreeOptions} from '../forest/trainer.js';
import type {TrainerName} from '../forest/trainer-names.js';

/** What a slot thread is told: a data set once (views of shared memory, so nothing is copied), then trees to train on it. */
export type ToSlot =
  | {type: 'dataset'; hash: string; rows: number; features: number; classes: number; values: Float64Array; labels: Int32Array}
  | {type: 'shared'; hash: string; trainer: TrainerName; shared: unknown}
  | {type: 'train'; job: number; hash: string; options: TreeOptions; seed: number};

export type FromSlot = {job: number; tree: Uint8Array; seconds: number} | {job: number; error: string};
