import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Dataset} from '../../data/dataset.js';

/**
 * NumPy's .npy format, version 1.0: magic, a little-endian u16 header length, a Python dict
 * literal padded with spaces to a multiple of 64 bytes ending in a newline, then the raw array.
 */
export function npyBytes(array: Float64Array | Int32Array, shape: number[]): Buffer {
  const descr = array instanceof Float64Array ? '<f8' : '<i4';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    preamble,
    Buffer.from(header, 'latin1'),
    Buffer.from(array.buffer, array.byteOffset, array.byteLength),
  ]);
}

/** The rows the native engine trains and tests on, as x_train.npy, y_train.npy, x_test.npy, y_test.npy. */
export function writeSplit(folder: string, train: Dataset, test: Dataset): void {
  for (const [name, data] of [
    ['train', train],
    ['test', test],
  ] as const) {
    writeFileSync(join(folder, `x_${name}.npy`), npyBytes(data.values, [data.rows, data.features]));
    writeFileSync(join(folder, `y_${name}.npy`), npyBytes(data.labels, [data.rows]));
  }
}
