/** A frame's body of doubles as an array: a view where the frame left it 8-byte aligned, else a copy. */
export function float64Body(body: Uint8Array): Float64Array {
  if (body.byteOffset % 8 === 0) return new Float64Array(body.buffer, body.byteOffset, body.byteLength / 8);
  return new Float64Array(body.slice().buffer);
}
