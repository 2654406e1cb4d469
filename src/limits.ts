import {availableParallelism, totalmem} from 'node:os';
import {getHeapStatistics} from 'node:v8';

/**
 * What a user may ask for, chosen from what this machine has, so a typo is refused with its reason
 * instead of ending in a killed process. docs/errors.md lists them.
 */
export const LIMITS = {
  /** Slots of a local host: beyond 4x this machine's CPUs trees only queue, each slot still costing a thread. */
  localCores: 4 * availableParallelism(),
  /** An ssh host's CPUs are known only once it is reached: 4x a 64-core machine. */
  sshCores: 256,
  /** Trees in a forest: far more than any forest needs (accuracy stops improving long before), and each is held in memory. */
  trees: 100_000,
  /**
   * Features (columns) of a data set: each is binned apart, with arrays of its own in every slot,
   * so a million features over 60 rows passed the values' bound and then took gigabytes and never
   * finished. 100,000 trains (slowly).
   */
  features: 100_000,
  /**
   * Classes of a data set's target: each leaf of every tree keeps a probability per class, so
   * memory grows with classes x leaves x trees (10,000 classes over 10,000 rows took 5.8 GB and a
   * 1.9 GB model for 5 trees). Far above any classification task's, far below that.
   */
  classes: 256,
  /** Hosts a command reaches at once (connectConcurrency, --concurrency): OpenSSH's MaxStartups refuses every login past 100 at once by default. */
  connectConcurrency: 100,
  /** Timed runs per combination. */
  runs: 1000,
  /** connectTimeout and heartbeatTimeout, in seconds: an hour is already no timeout (Node's timers break past 24.8 days). */
  timeoutSeconds: 3600,
  /**
   * A data set's values (rows x features x 8 bytes): one protocol frame (1 GiB) must carry them to a
   * worker, and every local worker holds a copy, so at most an eighth of this machine's memory.
   */
  datasetBytes: Math.min(512 * 2 ** 20, Math.floor(totalmem() / 8)),
  /** A CSV file: parsed, each cell is a string, about 8 bytes of heap per byte of file. */
  csvBytes: Math.min(512 * 2 ** 20, Math.floor(getHeapStatistics().heap_size_limit / 16)),
  /** A model file, read whole: a quarter of this machine's memory, at most 2 GiB (a Buffer's practical bound). */
  modelBytes: Math.min(2 * 2 ** 30, Math.floor(totalmem() / 4)),
  /** An inventory or experiment: a thousand hosts take about 100 KiB; past this it is not a config file. */
  yamlBytes: 4 * 2 ** 20,
  /** A sweep's journal: a run's record with its timeline takes about 100 bytes a tree, so 1,000 runs of 2,000 trees fit. */
  journalBytes: 256 * 2 ** 20,
  /** known_hosts, ~/.ssh/config, an identity file: 50,000 known hosts take about 5 MiB. */
  sshFileBytes: 16 * 2 ** 20,
} as const;

/** The most slots a host may ask for, and why: more only queue trees, each slot still costing a thread. */
export function coresLimit(transport: 'local' | 'ssh'): [number, string] {
  if (transport === 'local')
    return [LIMITS.localCores, `4 x the ${LIMITS.localCores / 4} CPUs of this machine; more slots only queue trees`];
  return [
    LIMITS.sshCores,
    'the cap for an ssh host, whose CPUs are unknown until it is reached; more slots only queue trees',
  ];
}

/** Bytes as people read them: "512 MiB". */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  while (bytes >= 1024 && unit < units.length - 1) {
    bytes /= 1024;
    unit++;
  }
  return `${unit === 0 ? bytes : bytes.toFixed(bytes < 10 ? 1 : 0)} ${units[unit]}`;
}
