import {HostError} from '../errors.js';

/**
 * What every workload's run reports, forest or network: the sweep, its journal, statistics, table
 * and charts see a run only through these (and its seconds and accuracy). A work item is what the
 * workload hands out: a tree of a forest, a chunk of a batch's rows for a network.
 */

/** What happened to a host during a run: it died, its link dropped, it went silent. */
export interface Fault {
  host: string;
  reason: string;
  message: string;
  /** Seconds into the run. */
  at: number;
  /** Work items it had not returned, handed to others. */
  requeued: number;
}

/** One host's part in one run. */
export interface HostRun {
  host: string;
  cores: number;
  /** Work items of the run this host did (trees of the forest it trained). */
  items: number;
  /** Items it did that another host had already returned (speculative copies, dropped). */
  reexecuted: number;
  /** Sum of its slots' training time. */
  trainSeconds: number;
  /** trainSeconds / (cores x wall): how much of its capacity it used. */
  utilisation: number;
  /** Time to get the data set to it (0 when it had it cached). */
  shipSeconds: number;
  shippedBytes: number;
  /** Wall time its slots spent neither shipping nor training: idle or waiting on the network. */
  waitSeconds: number;
}

/**
 * A network's steps as one host saw them, means per step: computing its chunks, the exchange (the
 * round trip less the computing: the gradient and the order on the wire, framing, the event loop),
 * and waiting for the slowest host; the bytes of gradient and update it sent and received.
 */
export interface HostSteps {
  host: string;
  steps: number;
  computeSeconds: number;
  exchangeSeconds: number;
  waitSeconds: number;
  bytesPerStep: number;
}

/** One work item on the timeline, in seconds from the start of the run (coordinator's clock). */
export interface TimelineEntry {
  host: string;
  slot: number;
  index: number;
  start: number;
  end: number;
  /** False for a copy that lost the race. */
  kept: boolean;
}

/** Every host of a run was lost: the run cannot end, whichever workload it trains. */
export class RunFailedError extends HostError {
  constructor(
    readonly faults: Fault[],
    /** How the run ended, when not by every host's loss (a DistributedDataParallel group failing with one). */
    ending = 'every host was lost',
  ) {
    // Every worker killed by SIGINT: the Ctrl-C of a terminal reached them before it reached us.
    const interrupted = faults.length > 0 && faults.every((fault) => fault.reason === 'interrupted');
    super(
      faults.map((f) => f.host).join(', '),
      `${ending}: ${faults.map((f) => `${f.host}: ${f.message}`).join('; ')}`,
      '',
      interrupted ? 'interrupted' : 'all-hosts-lost',
    );
  }
}

/** A host's part before it has done anything: the start of every run's tally. */
export function emptyHostRun(host: string, cores: number): HostRun {
  return {
    host,
    cores,
    items: 0,
    reexecuted: 0,
    trainSeconds: 0,
    utilisation: 0,
    shipSeconds: 0,
    shippedBytes: 0,
    waitSeconds: 0,
  };
}
