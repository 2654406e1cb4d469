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

/**
 * Views a `dataset` message's body (values, then labels) as typed arrays in memory every slot
 * thread shares. Large frames already arrive in shared memory, 8-byte aligned: no copy then.
 */
export function receiveDataset(header: Extract<ToWorker, {type: 'dataset'}>, body: Uint8Array): SharedDataset {
  const {hash, rows, features, classes} = header;
  const valueBytes = rows * features * 8;
  if (body.byteLength !== valueBytes + rows * 4) throw new Error(`data set body has ${body.byteLength} bytes, expected ${valueBytes + rows * 4}`);
  let shared = body;
  if (!(body.buffer instanceof SharedArrayBuffer) || body.byteOffset % 8 !== 0) {
    shared = new Uint8Array(new SharedArrayBuffer(body.byteLength));
    shared.set(body);
  }
  const values = new Float64Array(shared.buffer, shared.byteOffset, rows * features);
  const labels = new Int32Array(shared.buffer, shared.byteOffset + valueBytes, rows);
  return {hash, rows, features, classes, values, labels, shared: new Map()};
}
