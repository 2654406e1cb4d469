import type {FieldPath} from './yaml-source.js';

/** A field's value and where it was written, so an error blames the line that set it. */
export interface Sourced {
  value: unknown;
  path: FieldPath;
}

/** Fields by name; a later layer wins over an earlier one (defaults, then groups, then the host). */
export type Layer = Map<string, Sourced>;

export function layerOf(fields: Record<string, unknown>, path: FieldPath): Layer {
  return new Map(Object.entries(fields).map(([name, value]) => [name, {value, path: [...path, name]}]));
}

export function mergeLayers(layers: Layer[]): Layer {
  return new Map(layers.flatMap((layer) => [...layer]));
}
