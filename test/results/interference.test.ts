import {readFileSync} from 'node:fs';
import test from 'ava';
import {machineLoads, type Participant} from '../../src/results/interference.js';
import type {RunRecord} from '../../src/results/result.js';
import {interferenceWarnings, unmeasuredWarnings} from '../../src/results/warnings.js';
import type {CpuSample} from '../../src/protocol/messages.js';
import {readCpuSample} from '../../src/worker/cpu-sample.js';

const sample = (machine: string | null, busy: number, total: number, self: number): CpuSample => ({
  machine,
  cpus: 2,
  busy,
  total,
  self,
});
const run = (interference: RunRecord['interference']): RunRecord => ({
  seconds: 2,
  accuracy: 1,
  hosts: [],
  faults: [],
  timeline: [],
  interference,
});

const loads = test.macro((t, participants: Participant[], expected: ReturnType<typeof machineLoads>) => {
  const actual = machineLoads(participants).map((load) => ({
    ...load,
    otherSeconds: load.otherSeconds === null ? null : Math.round(load.otherSeconds * 1000) / 1000,
  }));
  t.deepEqual(actual, expected);
});

// The coordinator and two local workers on one 2-CPU machine: 4 CPU-seconds, 3 busy, all of it theirs.
test(
  "the toolkit's own processes on a shared machine are not interference",
  loads,
  [
    {before: sample('m', 100, 200, 10), after: sample('m', 103, 204, 10.5)},
    {host: 'a', before: sample('m', 100, 200, 20), after: sample('m', 103, 204, 21.5)},
    {host: 'b', before: sample('m', 100, 200, 30), after: sample('m', 103, 204, 31)},
  ],
  [{hosts: ['a', 'b'], coordinator: true, cpus: 2, cpuSeconds: 4, otherSeconds: 0}],
);

// One more busy CPU-second than the three processes account for: a quarter of the machine.
test(
  "busy time beyond the toolkit's is other processes'",
  loads,
  [
    {before: sample('m', 100, 200, 10), after: sample('m', 104, 204, 10.5)},
    {host: 'a', before: sample('m', 100, 200, 20), after: sample('m', 104, 204, 22.5)},
  ],
  [{hosts: ['a'], coordinator: true, cpus: 2, cpuSeconds: 4, otherSeconds: 1}],
);

test(
  "each machine on its own: a remote host's machine counts only its worker",
  loads,
  [
    {before: sample('m', 100, 200, 10), after: sample('m', 100.5, 204, 10.5)},
    {host: 'pi', before: sample('p', 50, 80, 1), after: sample('p', 53.2, 84, 4)},
  ],
  [
    {hosts: [], coordinator: true, cpus: 2, cpuSeconds: 4, otherSeconds: 0},
    {hosts: ['pi'], coordinator: false, cpus: 2, cpuSeconds: 4, otherSeconds: 0.2},
  ],
);

test(
  'no /proc: the machine is there, its figures unknown; a host lost mid-run leaves its machine out',
  loads,
  [
    {before: sample(null, 0, 0, 10), after: sample(null, 0, 0, 11)},
    {host: 'mac', before: sample(null, 0, 0, 1), after: sample(null, 0, 0, 2)},
    {host: 'lost', before: sample('x', 1, 2, 0)},
  ],
  [
    {hosts: [], coordinator: true, cpus: 2, cpuSeconds: null, otherSeconds: null},
    {hosts: ['mac'], coordinator: false, cpus: 2, cpuSeconds: null, otherSeconds: null},
  ],
);

test("interference above a tenth of a machine's CPU is a warning naming the machine's hosts and the runs", (t) => {
  const shared = (other: number) => [
    {hosts: ['a', 'b'], coordinator: true, cpus: 2, cpuSeconds: 4, otherSeconds: other},
  ];
  t.deepEqual(interferenceWarnings([run(shared(0.3)), run(shared(1.8)), run(shared(1))]), [
    {
      kind: 'interference',
      message:
        "other processes took up to 45% of the CPU of the machine of a, b and the coordinator (2 CPUs) during runs 2, 3 (over 10%; this toolkit's own processes are not counted): these times are not the cluster's alone; stop what else runs there and measure again",
    },
  ]);
  t.deepEqual(
    interferenceWarnings([run(shared(0.4)), run(undefined)]),
    [],
    'a tenth exactly is not over it; an old journal has no figures',
  );
  t.deepEqual(
    interferenceWarnings([run([{hosts: ['a'], coordinator: false, cpus: 2, cpuSeconds: 1, otherSeconds: 0.2}])]),
    [],
    'under a quarter CPU-second the ticks blur it',
  );
});

test('no /proc is said once for the sweep', (t) => {
  const blind = run([{hosts: [], coordinator: true, cpus: 8, cpuSeconds: null, otherSeconds: null}]);
  const row = {runs: [blind, blind]} as never;
  t.deepEqual(unmeasuredWarnings([row, row]), [
    {
      kind: 'interference',
      message:
        "interference cannot be measured on the coordinator's machine (8 CPUs) (no /proc/stat there, as on macOS, or a process there did not answer): other processes' load goes unnoticed",
    },
  ]);
});

test('a CPU sample on Linux: the boot id names the machine; busy within total', (t) => {
  const first = readCpuSample();
  t.is(first.machine, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  t.true(first.busy > 0 && first.busy <= first.total && first.self > 0);
});
