import {dynamicSchedule} from './dynamic.js';
import type {ScheduleFactory, ScheduleName} from './schedule.js';
import {staticCalibratedSchedule, staticCoresSchedule} from './static.js';

const SCHEDULES: Record<ScheduleName, ScheduleFactory> = {
  dynamic: dynamicSchedule,
  'static-cores': staticCoresSchedule,
  'static-calibrated': staticCalibratedSchedule,
};

export function scheduleNamed(name: ScheduleName): ScheduleFactory {
  return SCHEDULES[name];
}
