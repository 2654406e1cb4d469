import type {Host} from '../config/inventory.js';

/**
 * The seam that decides which host trains which tree. The coordinator asks for work whenever a host
 * has room, so a static plan and a pull-based dynamic one fit the same loop.
 */
export interface Schedule {
  /** Up to `count` tree indices for `host` to train next; empty when it has nothing left to do. */
  take(host: string, count: number): number[];
}

export type ScheduleFactory = (hosts: readonly Host[], trees: number) => Schedule;
