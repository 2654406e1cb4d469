import type {TreeOptions} from '../forest/trainer.js';
import type {NetworkSpec} from '../network/spec.js';

/** Bumped whenever a message changes shape; coordinator and worker must agree. */
export const PROTOCOL_VERSION = 6;

/** Where a worker listens for its ring neighbour. */
export interface RingAddress {
  address: string;
  port: number;
}

export interface TreeOrder {
  /** Position of the tree in the forest. */
  index: number;
  seed: number;
}

/**
 * A machine's CPU time so far in seconds (`busy` and `total` over all its CPUs, from /proc/stat)
 * and the sending process's own (`self`, all its threads); `machine` is its boot id, null where
 * there is no /proc.
 */
export interface CpuSample {
  machine: string | null;
  cpus: number;
  busy: number;
  total: number;
  self: number;
}

/**
 * What a host's speed depends on besides its name, as its worker sees it: the machine (boot id, so a
 * reboot or a rebuilt VM is a new one), its CPUs, the cgroup CPU quota over the worker, the Node.js.
 */
export interface MachineIdentity {
  bootId: string | null;
  cpuModel: string;
  cpus: number;
  /** CPUs this process may run on (affinity, cpuset). */
  available: number;
  /** CPUs' worth of time the worker's cgroups allow (quota / period, the tightest above it), null with no limit. */
  cpuQuota: number | null;
  arch: string;
  node: string;
}

/**
 * Messages the coordinator sends; `dataset` carries the values then the labels as its body. Work
 * carries the run it belongs to, so trees of a finished run never leak into the next; `cancel`
 * drops a run's trees not yet started. The end of the stream tells the worker to stop.
 */
export type ToWorker =
  | {type: 'hello'; version: number}
  | {type: 'dataset-offer'; hash: string}
  | {type: 'dataset'; hash: string; rows: number; features: number; classes: number}
  | {type: 'train'; run: number; datasetHash: string; options: TreeOptions; trees: TreeOrder[]}
  | {type: 'cancel'; run: number}
  | {type: 'cpu'}
  | {type: 'identify'}
  /** A network's run: every host starts from the seed's weights and applies every update alike. */
  | {type: 'net-start'; run: number; datasetHash: string; spec: NetworkSpec; classes: number}
  /**
   * The gradient of chunks [first, last) of the batch order[from..to) of `epoch` (`chunks` in the
   * batch). With `ring`, it is summed over the ring of that generation rather than sent back; `more`
   * adds it to what this host already holds for the step (the chunks of a host lost in the step).
   */
  | {
      type: 'net-grad';
      run: number;
      epoch: number;
      from: number;
      to: number;
      first: number;
      last: number;
      chunks: number;
      ring?: {generation: number; step: number; more: boolean};
    }
  /** Listen for the run's ring on `bind` (null: this host's own end of its SSH connection), TLS keyed by `key` (hex). */
  | {type: 'net-ring-listen'; run: number; key: string; bind: string | null}
  /** Join the ring's generation `generation` as `rank` of `size`, connecting to the next host at `next`. */
  | {type: 'net-ring-form'; run: number; generation: number; rank: number; size: number; next: RingAddress}
  /** A host of the ring's generation was lost: fail the reduction in hand and drop the links (an older generation's abort is stale). */
  | {type: 'net-ring-abort'; run: number; generation: number; reason: string}
  /** The run is over: close the ring's listener and links. */
  | {type: 'net-ring-end'; run: number}
  /** Apply the step's total the ring left here. */
  | {type: 'net-commit'; run: number}
  /** Send this host's copy of the weights. */
  | {type: 'net-weights'; run: number}
  /** The step's exact gradient sum over `rows` rows, as its body: apply it. */
  | {type: 'net-update'; run: number; rows: number}
  | {type: 'net-hash'; run: number};

/** Messages the worker sends; `tree` carries the serialised tree as its body. */
export type FromWorker =
  /** `cores` is the slots, `cpus` the CPUs the host has (absent from workers before it was sent). */
  | {
      type: 'ready';
      version: number;
      pid: number;
      cores: number;
      cpus?: number;
      node: string;
      /** process.arch of the worker (x64, arm64, arm): what it runs on, whatever its login shell's uname says. Absent from workers before it. */
      arch?: string;
    }
  | {type: 'dataset-status'; hash: string; cached: boolean}
  /** `seconds` training, `waited` in the worker's queue for a free slot. */
  | {type: 'tree'; run: number; index: number; seconds: number; slot: number; waited: number}
  | {type: 'heartbeat'}
  | ({type: 'cpu'} & CpuSample)
  | ({type: 'identity'} & MachineIdentity)
  | {type: 'error'; message: string; run?: number; index?: number}
  /**
   * A host's fixed-point gradient sum as its body; `seconds` computing it (`threadSeconds` its
   * threads' computing added up). Over a ring there is no
   * body: rows, loss and clamped are the ring's totals, `ringSeconds` the reduction's time, and
   * `ringFailed` says why the reduction broke (the host itself is fine and keeps its part).
   */
  | {
      type: 'net-gradient';
      run: number;
      rows: number;
      loss: number;
      clamped: number;
      seconds: number;
      threadSeconds: number;
      ringSeconds?: number;
      ringFailed?: string;
    }
  /** Where this host listens for the run's ring; `coordinator` is this machine's address as the host's sshd saw it. */
  | ({type: 'net-ring-listening'; run: number; coordinator: string | null} & RingAddress)
  /** Joined the generation, or `failed` why not. */
  | {type: 'net-ring-formed'; run: number; generation: number; failed?: string}
  /** This host's copy of the weights as the body. */
  | {type: 'net-weights'; run: number}
  | {type: 'net-hash'; run: number; hash: string};
