import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {loadExperiment} from '../../src/config/experiment.js';
import {loadInventory} from '../../src/config/inventory.js';
import {readState} from '../../src/lab/state.js';
import {provisionHosts} from '../../src/provision/provision.js';
import {runBench} from '../../src/sweep/sweep.js';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {sshdUnavailable} from '../helpers/sshd.js';

// lab up --from on cgroup v1 (as here and on CI): root, Linux, sshd.
const unavailable =
  process.platform !== 'linux'
    ? 'the lab needs Linux'
    : (sshdUnavailable() ??
      (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us') ? undefined : 'no cgroup v1 cpu controller here'));
if (unavailable && process.env.CI === 'true') throw new Error(`the twin test must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the twin test: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest.serial) as TestFn;

// Two kinds measured: a pc host alone takes 100 s / 2.5 of a pi host's, so the fit gives pi 1, pc 1.5.
const RESULTS = `hardware,cores,measured_s
1 x pi,2,100
"1 x pi, 1 x pc",4,40
`;

/** The twin's spec with a smaller data set and forest, both hosts in one row. */
function smaller(spec: string, file: string): string {
  const text = readFileSync(spec, 'utf8')
    .replace('samples: 15000, features: 20, informative: 10', 'samples: 2000, features: 8, informative: 4')
    .replace('trees: 300', 'trees: 80')
    .replace('runs: 2', 'runs: 1')
    .replace('warmup: 1', 'warmup: 0')
    .replace(/combinations:[^]*$/, 'combinations: [[pi, pc]]\n');
  writeFileSync(file, text);
  return file;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').trim();
const limit = (dir: string) => [read(dir, 'cpu.cfs_period_us'), read(dir, 'cpu.cfs_quota_us')];

test('lab up --from: hosts with the fit scaled to 0.5 CPUs, a cgroup per slot that its thread joins; lab down removes them', async (t) => {
  const folder = folderWith({'results.csv': RESULTS});
  const dir = join(folder, 'lab');
  const spec = join(folder, 'twin.yaml');
  const up = await cluster(
    ['lab', 'up', '--from', 'results.csv', '--save-spec', spec, '--cpus', '0.5', '--dir', dir],
    folder,
  );
  t.is(up.exitCode, 0, up.stderr);
  t.regex(up.stdout, /^Twin of results\.csv: one pi host = 0\.2000 of a real core, 0\.5 of \d+ CPUs in all/);
  const state = readState(dir)!;
  try {
    t.deepEqual(
      state.hosts.map((h) => h.name),
      ['pi', 'pc'],
    );
    const [pi, pc] = state.hosts.map((h) => h.cgroup);
    // pi: 2 cores at 0.1 (+ a quarter core for the main thread); pc: 2 at 0.15. 10 ms periods.
    t.deepEqual(limit(pi), ['10000', '4500']);
    t.deepEqual(limit(pc), ['10000', '5500']);
    t.is(read(pi, 'cpu.shares'), '8192');
    for (const slot of ['slot-0', 'slot-1']) {
      t.deepEqual(limit(join(pi, slot)), ['10000', '1000']);
      t.deepEqual(limit(join(pc, slot)), ['10000', '1500']);
    }

    const inventory = loadInventory(join(dir, 'lab-inventory.yaml'));
    t.true((await provisionHosts([...inventory.hosts.values()], {})).every((p) => p.ok));
    // While trees train, each slot's cgroup holds one thread (not a process) of a worker in its host's cgroup.
    const seen: {slot: string; threads: string[]; worker?: string; procs: string[]}[] = [];
    const result = await runBench({
      experiment: loadExperiment(smaller(spec, join(folder, 'small.yaml'))),
      inventory,
      resultsDir: join(folder, 'results'),
      onProgress: (p) => {
        if (p.done < 20 || seen.length > 0) return;
        for (const host of [pi, pc])
          for (const name of ['slot-0', 'slot-1']) {
            const slot = join(host, name);
            const threads = read(slot, 'tasks').split('\n');
            const status = readFileSync(`/proc/${threads[0]}/status`, 'utf8');
            const worker = /^Tgid:\s+(\d+)$/m.exec(status)?.[1];
            seen.push({slot, threads, worker, procs: read(host, 'cgroup.procs').split('\n')});
          }
      },
    });
    t.true(result.rows.every((row) => row.status === 'ok'));
    t.is(seen.length, 4);
    for (const {slot, threads, worker, procs} of seen) {
      t.is(threads.length, 1, `${slot}: ${threads.join(' ')}`);
      t.not(worker, threads[0], `${slot} holds a thread, not a process`);
      t.true(procs.includes(worker!), `${slot}'s worker ${worker} is in its host's cgroup`);
    }
  } finally {
    const down = await cluster(['lab', 'down', '--dir', dir], folder);
    t.is(down.exitCode, 0, down.stderr);
  }
  for (const host of state.hosts) t.false(existsSync(host.cgroup), `${host.cgroup} is gone`);
  t.false(readdirSync('/sys/fs/cgroup/cpu').some((name) => state.hosts.some((h) => h.cgroup.endsWith(`/${name}`))));
  t.true(existsSync(spec), "the twin spec is the user's: down leaves it");
});
