import {daskEngine} from './dask/engine.js';
import type {Engine, EngineName} from './engine.js';
import {nativeEngine} from './native/engine.js';

export function engineNamed(name: EngineName): Engine {
  return name === 'dask' ? daskEngine : nativeEngine;
}
