import {InputError} from '../errors.js';
import {daskEngine} from './dask/engine.js';
import type {Engine, EngineName} from './engine.js';
import {nativeEngine} from './native/engine.js';

/** The engine that trains a forest. */
export function engineNamed(name: EngineName): Engine {
  if (name === 'torch')
    throw new InputError({
      file: '--engine',
      problem: 'the torch engine trains networks only (PyTorch has no random forest)',
      fix: 'train a forest with --engine native or dask, or set workload: network in the experiment',
    });
  return name === 'dask' ? daskEngine : nativeEngine;
}
