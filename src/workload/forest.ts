import {checkLocalCopies} from '../coordinator/local-copies.js';
import {engineNamed} from '../engine/engines.js';
import {prepareData} from '../engine/prepare-data.js';
import type {Workload} from './workload.js';

/** The paper's experiment: a random forest whose trees are spread across the hosts. */
export const forestWorkload: Workload = {
  name: 'forest',
  unit: 'trees',
  work: (experiment) => experiment.forest.trees,
  prepare: prepareData,
  checkHosts: (hosts, data) => checkLocalCopies(hosts, data.train),
  engine: engineNamed,
  settings: (experiment) => ({forest: experiment.forest}),
};
