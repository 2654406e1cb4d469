export const SCHEDULE_NAMES = ['dynamic', 'static-cores', 'static-calibrated'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/**
 * The seam that decides which host trains which tree. The coordinator asks for work whenever a host
 * has room, tells the schedule what came back and what was lost, so a static plan and a pull-based
 * dynamic one fit the same loop.
 */
export interface Schedule {
  /** Up to `room` trees for `host` to train next; empty when it has nothing (more) to do. */
  take(host: string, room: number): number[];
  /** Tree `index` arrived, from whichever host. */
  completed(index: number): void;
  /** `host` is gone: `unfinished`, the trees it had not returned, must go to others. */
  lost(host: string, unfinished: readonly number[]): void;
}

/** What a schedule needs of a host: its name and how many trees it trains at once. */
export interface ScheduledHost {
  name: string;
  cores: number;
}

export interface ScheduleContext {
  hosts: readonly ScheduledHost[];
  trees: number;
  /** Calibrated trees per second of each host with all its slots, where measured. */
  throughput?: ReadonlyMap<string, number>;
}

export type ScheduleFactory = (context: ScheduleContext) => Schedule;
