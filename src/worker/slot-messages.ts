import type {TreeOptions} from '../forest/trainer.js';
import type {TrainerName} from '../forest/trainer-names.js';

/** What a slot thread is told: a data set once (views of shared memory, so nothing is copied), then trees to train on it. */
export type ToSlot =
  | {
      type: 'dataset';
      hash: string;
      rows: number;
      features: number;
      classes: number;
      values: Float64Array;
      labels: Int32Array;
    }
  | {type: 'shared'; hash: string; trainer: TrainerName; shared: unknown}
  /** Make the trainer's shared state (binning) here, off the worker's main thread, and send it back. */
  | {type: 'make-shared'; hash: string; trainer: TrainerName}
  /** postedAt: when it was posted, in ms since the epoch (performance.timeOrigin + now(), which threads share). */
  | {type: 'train'; job: number; hash: string; options: TreeOptions; seed: number; postedAt: number};

export type FromSlot =
  /** queuedMs: how long the order waited in the thread before its tree began. */
  | {type: 'tree'; job: number; tree: Uint8Array; seconds: number; queuedMs: number}
  | {type: 'failed'; job: number; error: string}
  | {type: 'shared'; shared: unknown}
  | {type: 'shared-failed'; error: string}
  /** The thread is up and its trainer's hot loops compiled (see warmUpNative). */
  | {type: 'warm'};
