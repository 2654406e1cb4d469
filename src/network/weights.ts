import {createHash} from 'node:crypto';

/** SHA-256 of the parameters as little-endian float64 bytes: the same network gives the same hash on any machine. */
export function weightsHash(parameters: Float64Array): string {
  const bytes = new Uint8Array(parameters.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < parameters.length; i++) view.setFloat64(i * 8, parameters[i], true);
  return createHash('sha256').update(bytes).digest('hex');
}
