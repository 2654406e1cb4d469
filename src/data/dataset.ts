import {createHash} from 'node:crypto';

/** A classification data set held as typed arrays, ready to ship to workers as raw bytes. */
export interface Dataset {
  rows: number;
  features: number;
  /** rows x features, row-major. */
  values: Float64Array;
  /** Class index of each row, into `classes`. */
  labels: Int32Array;
  /** Class names as the user wrote them. */
  classes: string[];
  featureNames: string[];
  /** Per feature, a text column's categories in code order (its values are the codes), null for a numeric one; absent when none is text. */
  categories?: (string[] | null)[];
}

/** A new data set holding the given rows of `data`, in the given order. */
export function takeRows(data: Dataset, rows: ArrayLike<number>): Dataset {
  const {features} = data;
  const values = new Float64Array(rows.length * features);
  const labels = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    values.set(data.values.subarray(row * features, (row + 1) * features), i * features);
    labels[i] = data.labels[row];
  }
  return {...data, rows: rows.length, values, labels};
}

/** The content hash that names a data set in workers' caches. */
export function hashDataset(data: Dataset): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({rows: data.rows, features: data.features, classes: data.classes}));
  hash.update(new Uint8Array(data.values.buffer, data.values.byteOffset, data.values.byteLength));
  hash.update(new Uint8Array(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength));
  return hash.digest('hex');
}
