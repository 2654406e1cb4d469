import type {ToWorker} from '../protocol/messages.js';
import type {SharedDataset} from './slot-pool.js';

/** Data sets this worker holds, by content hash; a few are kept so that switching back costs nothing. */
export class DatasetCache {
  private readonly datasets = new Map<string, SharedDataset>();

  constructor(private readonly capacity = 3) {}

  has(hash: string): boolean {
    return this.datasets.has(hash);
  }

  get(hash: string): SharedDataset | undefined {
    return this.datasets.get(hash);
  }

  add(dataset: SharedDataset): void {
    this.datasets.delete(dataset.hash);
    this.datasets.set(dataset.hash, dataset);
    while (this.datasets.size > this.capacity) this.datasets.delete(this.datasets.keys().next().value!);
  }
}

/** Copies a `dataset` message's body (values, then labels) into memory that every slot thread shares. */
export function receiveDataset(header: Extract<ToWorker, {type: 'dataset'}>, body: Uint8Array): SharedDataset {
  const {hash, rows, features, classes} = header;
  const valueBytes = rows * features * 8;
  if (body.byteLength !== valueBytes + rows * 4) throw new Error(`data set body has ${body.byteLength} bytes, expected ${valueBytes + rows * 4}`);
  const values = new Float64Array(new SharedArrayBuffer(valueBytes));
  const labels = new Int32Array(new SharedArrayBuffer(rows * 4));
  new Uint8Array(values.buffer).set(body.subarray(0, valueBytes));
  new Uint8Array(labels.buffer).set(body.subarray(valueBytes));
  return {hash, rows, features, classes, values, labels, shared: new Map()};
}
