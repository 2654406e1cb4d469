import {asRoot} from '../text/as-root.js';
import {InputError, InterruptedError} from '../errors.js';
import {labSetLatency, labStatus} from '../lab/lab.js';
import {parseDuration} from '../lab/spec.js';
import type {BenchResult} from '../results/result.js';
import {type BenchOptions, runBench} from './sweep.js';

export interface LatencyPoint {
  latencyMs: number;
  result: BenchResult;
}

/** "0ms,1ms,5ms,20ms" as milliseconds, each way, each named once (its exports are named by it). */
export function parseLatencies(text: string): number[] {
  const latencies = text.split(',').map((part) => {
    const ms = parseDuration(part.trim());
    if (ms === undefined)
      throw new InputError({
        file: '--latency',
        problem: `'${part.trim()}' is not a duration`,
        fix: 'write e.g. --latency 0ms,1ms,5ms,20ms',
      });
    return ms;
  });
  const repeated = latencies.find((ms, i) => latencies.indexOf(ms) !== i);
  if (repeated !== undefined)
    throw new InputError({
      file: '--latency',
      problem: `${latencyLabel(repeated)} is named twice`,
      fix: 'name each latency once',
    });
  return latencies;
}

/** How a latency names its exports and tables: 5 -> "5ms", 0.5 -> "0.5ms". */
export function latencyLabel(latencyMs: number): string {
  return `${latencyMs}ms`;
}

export interface LatencySweepOptions extends BenchOptions {
  labDir: string;
  latencies: number[];
  /** Each latency's result as soon as its sweep ends, so an interruption later keeps it. */
  onPoint?: (point: LatencyPoint) => void;
  /** The command that measures the latencies not finished when interrupted (default: none offered). */
  continueCommand?: (remaining: number[]) => string;
}

/**
 * The paper's claim that router latency erodes scaling, measured: the same sweep on a running lab
 * at each link latency (set on every relay, each way). The links are set back to the latency each
 * had before, however the sweep ends: a later bench must not run at the last latency unknowingly.
 */
export async function runLatencySweep(options: LatencySweepOptions): Promise<LatencyPoint[]> {
  // Refused before any relay is touched: a sweep without a lab would measure nothing it names.
  const before = labStatus(options.labDir);
  if (before.length === 0)
    throw new InputError({
      file: '--latency',
      problem: `no lab is up in ${options.labDir}`,
      fix: `start one with ${asRoot('cluster lab up')}, or name its folder with --lab`,
    });
  const points: LatencyPoint[] = [];
  // Its --resume would continue at the latency the links are set back to: the rest is offered instead.
  const interrupted = () =>
    new InterruptedError(
      String(options.signal?.reason ?? 'SIGINT'),
      options.continueCommand?.(options.latencies.slice(points.length)),
    );
  let failed = true;
  try {
    for (const latencyMs of options.latencies) {
      if (options.signal?.aborted) throw interrupted();
      await labSetLatency(options.labDir, latencyMs);
      const result = await runBench(options).catch((error) => {
        throw error instanceof InterruptedError || options.signal?.aborted ? interrupted() : error;
      });
      const point = {latencyMs, result};
      points.push(point);
      options.onPoint?.(point);
    }
    failed = false;
  } finally {
    await restoreLatencies(options.labDir, before, failed);
  }
  return points;
}

/** Puts each link back at its latency; a failure to do so is the error only if the sweep had none. */
async function restoreLatencies(
  labDir: string,
  before: {host: string; latencyMs: number}[],
  sweepFailed: boolean,
): Promise<void> {
  const wanted = Object.fromEntries(before.map((host) => [host.host, host.latencyMs]));
  const now = labStatus(labDir);
  if (now.every((host) => wanted[host.host] === undefined || wanted[host.host] === host.latencyMs)) return;
  try {
    await labSetLatency(labDir, wanted);
  } catch (error) {
    if (!sweepFailed) throw error;
  }
}
