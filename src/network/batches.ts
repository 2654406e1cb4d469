import {Random} from '../data/random.js';
import {CHUNK_ROWS} from './gradient.js';

/** The rows of an epoch in the order its batches take them: a shuffle seeded by the network's seed and the epoch. */
export function epochOrder(rows: number, seed: number, epoch: number): Uint32Array {
  const order = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  const random = new Random((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  for (let i = rows - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** One step's batch: rows order[from..to), cut into chunks of CHUNK_ROWS. */
export interface Batch {
  from: number;
  to: number;
  chunks: number;
}

export function batchesOf(rows: number, batchSize: number): Batch[] {
  const batches: Batch[] = [];
  for (let from = 0; from < rows; from += batchSize) {
    const to = Math.min(rows, from + batchSize);
    batches.push({from, to, chunks: Math.ceil((to - from) / CHUNK_ROWS)});
  }
  return batches;
}

/**
 * A batch's chunks divided among hosts in proportion to `shares` (each host's speed; all equal for
 * the equal split), as consecutive ranges [first, last): only whole chunks move, so every split
 * computes the same chunks and the sum is the same. A host with share 0 gets none.
 */
export function splitChunks(chunks: number, shares: readonly number[]): [number, number][] {
  const total = shares.reduce((sum, share) => sum + Math.max(0, share), 0);
  if (!(total > 0)) throw new RangeError('no host to give the chunks to');
  const ranges: [number, number][] = [];
  let given = 0;
  let cumulative = 0;
  for (const share of shares) {
    cumulative += Math.max(0, share);
    const upTo = Math.round((chunks * cumulative) / total);
    ranges.push([given, upTo]);
    given = upTo;
  }
  ranges[ranges.length - 1][1] = chunks;
  return ranges;
}
