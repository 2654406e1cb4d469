import {cpus, hostname, machine, platform} from 'node:os';
import type {PreparedData} from '../engine/prepare-data.js';
import type {BenchResult} from '../results/result.js';

/** The machine the sweep ran from, as the result records it. */
export function describeMachine(): BenchResult['machine'] {
  const cores = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    // uname -m, as an SSH host's probe reports it (os.arch() says x64 where uname says x86_64).
    arch: machine(),
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
