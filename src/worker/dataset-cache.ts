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

/** A label outside the classes would train a tree that votes into a class the forest does not have. */
function checkLabels(labels: Int32Array, classes: number): void {
  for (let row = 0; row < labels.length; row++) {
    const label = labels[row];
    if (label < 0 || label >= classes)
      throw new Error(
        `data set refused: row ${row + 1} has label ${label}, outside the ${classes} classes (0 to ${classes - 1})`,
      );
  }
}

/**
 * Views a `dataset` message's body (values, then labels) as typed arrays in memory every slot
 * thread shares. Large frames already arrive in shared memory, 8-byte aligned: no copy then.
 */
export function receiveDataset(header: Extract<ToWorker, {type: 'dataset'}>, body: Uint8Array): SharedDataset {
  const {hash, rows, features, classes} = header;
  if (![rows, features, classes].every((n) => Number.isSafeInteger(n) && n > 0))
    throw new Error(
      `data set refused: rows ${rows}, features ${features} and classes ${classes} must be positive integers`,
    );
  const valueBytes = rows * features * 8;
  if (body.byteLength !== valueBytes + rows * 4)
    throw new Error(`data set body has ${body.byteLength} bytes, expected ${valueBytes + rows * 4}`);
  let shared = body;
  if (!(body.buffer instanceof SharedArrayBuffer) || body.byteOffset % 8 !== 0) {
    shared = new Uint8Array(new SharedArrayBuffer(body.byteLength));
    shared.set(body);
  }
  const values = new Float64Array(shared.buffer, shared.byteOffset, rows * features);
  const labels = new Int32Array(shared.buffer, shared.byteOffset + valueBytes, rows);
  checkLabels(labels, classes);
  return {hash, rows, features, classes, values, labels, shared: new Map()};
}
