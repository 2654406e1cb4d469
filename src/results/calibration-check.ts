import type {Calibration} from './result.js';
import {hostSpeed} from './efficiency.js';
import type {BenchRow} from './result.js';
import {median} from './stats.js';
import {MAX_INTERFERENCE, percent, type Warning} from './warnings.js';

/** A host whose speed in the runs is this far from its calibration, either way, is warned about and measured again next time. */
export const MAX_CALIBRATION_GAP = 0.3;
/** Less training than this per slot over the sweep's measured runs is too little to judge a calibration by. */
const MIN_TREES_PER_SLOT = 10;
const MIN_SLOT_SECONDS = 0.2;

/** A host whose solo calibration the runs contradict. */
export interface CalibrationGap {
  host: string;
  calibrated: number;
  /** Median of its speeds over the measured runs it trained in. */
  measured: number;
  runs: number;
}

/**
 * Each host's speed in the sweep's measured runs (counted as the efficiency counts it) against its
 * calibration: the calibrated efficiency and the static-calibrated schedule rest on that figure.
 */
export function calibrationGaps(rows: readonly BenchRow[], calibration: ReadonlyMap<string, number>): CalibrationGap[] {
  const byHost = new Map<string, {speeds: number[]; trees: number; seconds: number}>();
  for (const host of rows.flatMap((row) => row.runs.flatMap((run) => run.hosts))) {
    const speed = hostSpeed(host, undefined);
    if (speed === undefined) continue;
    const entry = byHost.get(host.host) ?? {speeds: [], trees: 0, seconds: 0};
    entry.speeds.push(speed);
    entry.trees += (host.items + host.reexecuted) / host.cores;
    entry.seconds += host.trainSeconds / host.cores;
    byHost.set(host.host, entry);
  }
  const gaps: CalibrationGap[] = [];
  for (const [host, {speeds, trees, seconds}] of byHost) {
    const calibrated = calibration.get(host);
    if (calibrated === undefined || trees < MIN_TREES_PER_SLOT || seconds < MIN_SLOT_SECONDS) continue;
    const measured = median(speeds);
    if (Math.abs(measured - calibrated) / calibrated > MAX_CALIBRATION_GAP)
      gaps.push({host, calibrated, measured, runs: speeds.length});
  }
  return gaps;
}

export function calibrationGapWarning({host, calibrated, measured, runs}: CalibrationGap): Warning {
  const gap = (measured - calibrated) / calibrated;
  return {
    kind: 'calibration',
    message: `${host} trained ${measured.toFixed(1)} trees/s in the runs (median of ${runs}), ${percent(Math.abs(gap))} ${gap > 0 ? 'above' : 'below'} its solo calibration of ${calibrated.toFixed(1)} trees/s (more than ${percent(MAX_CALIBRATION_GAP)} apart): the calibrated efficiency, and a static-calibrated schedule, counted it at the wrong speed; its cached calibration was dropped, so the next bench measures it again (if other processes ran, stop them first)`,
  };
}

/** The sweep's warnings about its calibration: figures taken under load, then figures the runs contradict. */
export function calibrationWarnings(calibration: Calibration, gaps: readonly CalibrationGap[]): Warning[] {
  const loaded = [...calibration.loaded].map(([host, share]) =>
    calibrationLoadWarning(host, calibration.throughput.get(host) ?? 0, share),
  );
  return [...loaded, ...gaps.map(calibrationGapWarning)];
}

/** A host calibrated while other processes took `share` of its machine's CPU (two benches at once, say). */
export function calibrationLoadWarning(host: string, speed: number, share: number): Warning {
  return {
    kind: 'calibration',
    message: `${host} was calibrated at ${speed.toFixed(1)} trees/s while other processes took ${percent(share)} of its machine's CPU, more than ${percent(MAX_INTERFERENCE)} (another bench, perhaps): the figure serves this sweep only and was not cached; stop what else runs there and run the bench again`,
  };
}
