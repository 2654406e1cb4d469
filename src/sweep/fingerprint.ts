import {createHash} from 'node:crypto';
import type {Experiment} from '../config/experiment.js';
import type {Host} from '../config/inventory.js';
import type {EngineName} from '../engine/engine.js';
import type {ScheduleName} from '../schedule/schedule.js';

/**
 * What `fingerprintOf` covers, as the user sets it: a `--resume` refused for a fingerprint that
 * differs names all of it (it named only -e, -i, --runs and --warmup, and a different --schedule
 * was refused with advice that did not mention it). Keep the two together.
 */
export const FINGERPRINT_SETTINGS =
  'the same experiment and its data set (-e, --runs, --warmup), the same hosts (-i, --hosts), --schedule, --engine and --scheduler';

/** What a sweep measures: a journal resumes only under the same fingerprint. */
export function fingerprintOf(
  experiment: Experiment,
  hosts: Host[],
  datasetHash: string,
  schedule: ScheduleName,
  engine: EngineName,
  scheduler?: string,
): string {
  // Another order of the same runs measures the same thing: a sweep may resume in either.
  const {source: _source, file: _file, order: _order, workload, ...settings} = experiment;
  // Where the inventory lies is not what was measured: a sweep resumes with the same hosts named from anywhere.
  const measured = hosts.map(({inventoryFile: _inventoryFile, ...host}) => host);
  return createHash('sha256')
    .update(
      // A forest's fingerprint is the one it had before there were other workloads: its journals still resume.
      JSON.stringify({
        settings,
        hosts: measured,
        datasetHash,
        schedule,
        engine,
        scheduler,
        ...(workload === 'forest' ? {} : {workload}),
      }),
    )
    .digest('hex');
}
