import test from 'ava';
import {hostSpeed, runCapacityIdeal} from '../../src/results/efficiency.js';
import type {RunRecord} from '../../src/results/result.js';
import type {HostRun} from '../../src/coordinator/run.js';

const host = (name: string, cores: number, trees: number, reexecuted: number, trainSeconds: number): HostRun => ({
  host: name,
  cores,
  items: trees,
  reexecuted,
  trainSeconds,
  utilisation: 0,
  shipSeconds: 0,
  shippedBytes: 0,
  waitSeconds: 0,
});
const run = (seconds: number, hosts: HostRun[]): RunRecord => ({seconds, accuracy: 1, hosts, faults: [], timeline: []});

test("a host's speed: trees it trained, dropped copies too, per second of its slots' training, times its cores", (t) => {
  t.is(hostSpeed(host('a', 2, 8, 2, 4), 99), 5);
  t.is(hostSpeed(host('a', 1, 3, 0, 1.5), 99), 2);
  t.is(hostSpeed(host('a', 4, 0, 0, 0), 7), 7, 'a host that trained nothing counts with its calibration');
});

test('capacity ideal: trees over the sum of the speeds; it cannot exceed a run whose slots trained at most its wall time', (t) => {
  // a: 5 trees/s, b: 3 trees/s; 40 trees take 5 s at 8 trees/s.
  t.is(runCapacityIdeal(run(6, [host('a', 2, 24, 1, 10), host('b', 1, 15, 0, 5)]), 40, new Map()), 5);
  // Both slots busy the whole 4 s: the ideal is the measured time, efficiency exactly 1.
  t.is(runCapacityIdeal(run(4, [host('a', 1, 10, 0, 4), host('b', 1, 10, 0, 4)]), 20, new Map()), 4);
  t.is(runCapacityIdeal(run(4, [host('a', 1, 0, 0, 0)]), 20, new Map()), null, 'no speed known for a host, no ideal');
});
