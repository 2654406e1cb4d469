import test from 'ava';
import {cfsLimit, MAIN_THREAD_SHARE, planCpuLimits} from '../../src/lab/cpu-limits.js';

const period = test.macro((t, share: number, periodUs: number, quotaUs: number) => {
  t.deepEqual(cfsLimit(share), {periodUs, quotaUs});
});

// 10 ms where the quota is 1 ms or more there, else the shortest period giving the kernel's 1 ms minimum.
test('a full core: 10 ms of every 10 ms', period, 1, 10_000, 10_000);
test('a tenth of a core: the 1 ms minimum quota at 10 ms', period, 0.1, 10_000, 1000);
test('two and a half cores (a 4-core host at 0.6)', period, 2.4, 10_000, 24_000);
test("a Pi core of the paper's twin (0.05162): 1 ms of every 19.4 ms", period, 0.051_62, 19_373, 1000);
test("the twin's laptop core (0.01189): 1 ms of every 84.1 ms", period, 0.011_89, 84_105, 1000);
test('the spec floor, 1% of a core: 1 ms of every 100 ms', period, 0.01, 100_000, 1000);
test('below what a 1 s period allows: the kernel limits, 1 ms of 1 s', period, 0.0005, 1_000_000, 1000);

test('every quota is at least 1 ms and within 1% of the share asked, from 1% of a core to 8 cores', (t) => {
  for (let share = 0.01; share <= 8; share *= 1.07) {
    const {periodUs, quotaUs} = cfsLimit(share);
    t.true(quotaUs >= 1000 && periodUs >= 10_000 && periodUs <= 1_000_000);
    t.true(Math.abs(quotaUs / periodUs - share) / share < 0.01, `share ${share}: ${quotaUs} / ${periodUs}`);
  }
});

test('cgroup v1: the host gets its slots and a main thread share, each slot one core, other engines the cores alone, parent first', (t) => {
  const plans = planCpuLimits('/sys/fs/cgroup/cpu/cluster-lab-rpi1', 4, 0.05, true);
  t.deepEqual(
    plans.map((p) => p.dir),
    ['', '/slot-0', '/slot-1', '/slot-2', '/slot-3', '/engine'].map(
      (tail) => `/sys/fs/cgroup/cpu/cluster-lab-rpi1${tail}`,
    ),
  );
  const host = Object.fromEntries(plans[0].files);
  t.is(Number(host['cpu.cfs_quota_us']) / Number(host['cpu.cfs_period_us']), 4 * 0.05 + MAIN_THREAD_SHARE);
  t.is(host['cpu.shares'], '8192');
  t.deepEqual(plans[1].files, [
    ['cpu.cfs_period_us', '20000'],
    ['cpu.cfs_quota_us', '1000'],
    ['cpu.shares', '1024'],
  ]);
  // Dask workers and torch ranks: the host's 4 cores at 0.05, without the main thread's share.
  const engine = Object.fromEntries(plans[5].files);
  t.is(Number(engine['cpu.cfs_quota_us']) / Number(engine['cpu.cfs_period_us']), 4 * 0.05);
});

test('cgroup v2: one limit for the host, over the short period', (t) => {
  t.deepEqual(planCpuLimits('/sys/fs/cgroup/cluster-lab-pc', 2, 0.3, false), [
    {dir: '/sys/fs/cgroup/cluster-lab-pc', files: [['cpu.max', '6000 10000']]},
  ]);
});
