import {arch, cpus, hostname, platform} from 'node:os';
import type {PreparedData} from '../engine/prepare-data.js';
import type {BenchResult} from '../results/result.js';

/** The machine the sweep ran from, as the result records it. */
export function describeMachine(): BenchResult['machine'] {
  const cores = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    // Node's naming (x64, arm64, arm), as every host's worker reports its own.
    arch: arch(),
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    node: process.version,
  };
}

/** The data set as the result records it: its source, its split and its hash. */
export function describeData(data: PreparedData): BenchResult['dataset'] {
  return {
    description: data.description,
    rows: data.train.rows + data.test.rows,
    trainRows: data.train.rows,
    testRows: data.test.rows,
    features: data.train.features,
    classes: data.train.classes.length,
    hash: data.hash,
  };
}
