import {InputError} from '../errors.js';
import {labSetLatency, labStatus} from '../lab/lab.js';
import {parseDuration} from '../lab/spec.js';
import type {BenchResult} from './result.js';
import {type BenchOptions, runBench} from './sweep.js';

export interface LatencyPoint {
  latencyMs: number;
  result: BenchResult;
}

/** "0ms,1ms,5ms,20ms" as milliseconds, each way. */
export function parseLatencies(text: string): number[] {
  return text.split(',').map((part) => {
    const ms = parseDuration(part.trim());
    if (ms === undefined) throw new InputError({file: '--latency', problem: `'${part.trim()}' is not a duration`, fix: 'write e.g. --latency 0ms,1ms,5ms,20ms'});
    return ms;
  });
}

/**
 * The paper's claim that router latency erodes scaling, measured: the same sweep on a running lab
 * at each link latency (set on every relay, each way).
 */
export async function runLatencySweep(options: BenchOptions & {labDir: string; latencies: number[]}): Promise<LatencyPoint[]> {
  // Refused before any relay is touched: a sweep without a lab would measure nothing it names.
  if (labStatus(options.labDir).length === 0) throw new InputError({file: '--latency', problem: `no lab is up in ${options.labDir}`, fix: 'start one with sudo cluster lab up, or name its folder with --lab'});
  const points: LatencyPoint[] = [];
  for (const latencyMs of options.latencies) {
    await labSetLatency(options.labDir, latencyMs);
    points.push({latencyMs, result: await runBench(options)});
  }
  return points;
}
