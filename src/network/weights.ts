import {createHash} from 'node:crypto';

/** The parameters as little-endian float64 bytes: the same on every machine, whatever its byte order. */
export function weightsBytes(parameters: Float64Array): Uint8Array {
  const bytes = new Uint8Array(parameters.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < parameters.length; i++) view.setFloat64(i * 8, parameters[i], true);
  return bytes;
}

/** The parameters read back from weightsBytes' layout. */
export function weightsFromBytes(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parameters = new Float64Array(Math.floor(bytes.byteLength / 8));
  for (let i = 0; i < parameters.length; i++) parameters[i] = view.getFloat64(i * 8, true);
  return parameters;
}

/** SHA-256 of the parameters as little-endian float64 bytes: the same network gives the same hash on any machine. */
export function weightsHash(parameters: Float64Array): string {
  return createHash('sha256').update(weightsBytes(parameters)).digest('hex');
}
