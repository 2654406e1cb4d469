import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {once} from 'node:events';
import anyTest, {type TestFn} from 'ava';
import {execa} from 'execa';
import type {LabState} from '../../src/lab/lab.js';
import {cluster} from '../helpers/cli.js';
import {startCluster} from '../helpers/faults.js';
import {folderWith} from '../helpers/files.js';
import {processesTagged, waitFor} from '../helpers/processes.js';
import {sshdUnavailable} from '../helpers/sshd.js';

// bench --latency through the real command on a two-host lab. Root and Linux; under CI it must run.
const unavailable =
  process.platform !== 'linux'
    ? 'the lab needs Linux'
    : (sshdUnavailable() ??
      (existsSync('/usr/sbin/ip') ? undefined : '/usr/sbin/ip is missing (apt-get install iproute2)'));
if (unavailable && process.env.CI === 'true')
  throw new Error(`the latency sweep test must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the latency sweep test: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest.serial) as TestFn;

// Each host its own latency, so that setting them back is seen per host; runs of a second or more,
// so that busy loops' share of the CPU stands above /proc/stat's ticks.
const LAB = `lab:
  hosts:
    lat-a: { cores: 1, cpu: 0.9, latency: 2ms }
    lat-b: { cores: 1, cpu: 0.9, latency: 1ms }
name: latency
dataset: { kind: synthetic, samples: 20000, features: 20, seed: 2 }
forest: { trees: 200 }
combinations: [[lat-a, lat-b]]
runs: 1
warmup: 0
`;
const ARGS = ['bench', '-i', 'lab/lab-inventory.yaml', '-e', 'lab.yaml', '--lab', 'lab'];

let folder: string;
const latencies = () =>
  (JSON.parse(readFileSync(join(folder, 'lab/state.json'), 'utf8')) as LabState).hosts.map((host) => [
    host.name,
    host.latencyMs,
  ]);
const BEFORE = [
  ['lat-a', 2],
  ['lat-b', 1],
];

test.before(async () => {
  if (unavailable) return;
  folder = folderWith({'lab.yaml': LAB});
  const up = await cluster(['lab', 'up', '--spec', 'lab.yaml', '--dir', 'lab'], folder);
  if (up.exitCode !== 0) {
    await cluster(['lab', 'down', '--dir', 'lab'], folder);
    throw new Error(`lab up exited ${up.exitCode}: ${up.stderr}`);
  }
  const provision = await cluster(['provision', '--inventory', 'lab/lab-inventory.yaml'], folder);
  if (provision.exitCode !== 0) throw new Error(`provision exited ${provision.exitCode}: ${provision.stderr}`);
});

test.after.always(async () => {
  if (folder) await cluster(['lab', 'down', '--dir', 'lab'], folder);
});

/** A process that keeps one CPU busy; it says so once its loop is about to start. */
async function startBusyLoop() {
  const child = execa(process.execPath, ['-e', 'process.stdout.write("busy\\n"); for (;;) {}'], {reject: false});
  await once(child.stdout!, 'data');
  return {stop: () => child.kill()};
}

// --latency ignored --fail-on-noise and every --export-*, and left the links at the last latency.
test('--latency with --fail-on-noise and exports: exit 4, one export per latency, the links set back to their latencies', async (t) => {
  const loops = [await startBusyLoop(), await startBusyLoop()];
  let result;
  try {
    result = await cluster(
      [...ARGS, '--latency', '0ms,3ms', '--fail-on-noise', '--export-csv', 'out/t.csv', '--export-json', 'out/t.json'],
      folder,
    );
  } finally {
    for (const loop of loops) loop.stop();
  }
  t.is(result.exitCode, 4, result.stderr);
  t.regex(
    result.stderr,
    /^Error: \d+ warning\(s\) above, and --fail-on-noise makes them an error \(exit 4\); the results were saved$/m,
  );
  t.regex(
    result.stdout,
    /^Link latency 0 ms each way:\n[\s\S]*\nSaved: [^\n]*out\/t-0ms\.csv[^\n]*\n[\s\S]*^Link latency 3 ms each way:/m,
  );
  t.deepEqual(readdirSync(join(folder, 'out')).sort(), ['t-0ms.csv', 't-0ms.json', 't-3ms.csv', 't-3ms.json']);
  t.regex(readFileSync(join(folder, 'out/t-3ms.csv'), 'utf8'), /^hardware,cores,[^\n]*\n[^\n]+,2,/);
  const warnings = ['0ms', '3ms'].flatMap(
    (label) => JSON.parse(readFileSync(join(folder, `out/t-${label}.json`), 'utf8')).rows[0].warnings,
  );
  t.true(warnings.length > 0);
  t.deepEqual(latencies(), BEFORE);
});

test('--latency fails (results folder not writable): the links are set back all the same', async (t) => {
  const result = await cluster([...ARGS, '--latency', '4ms', '--results-dir', '/proc/no-results-here'], folder);
  t.is(result.exitCode, 2, result.stderr);
  t.deepEqual(latencies(), BEFORE);
});

test('--latency interrupted: exit 130, the links set back, and the command that measures the rest', async (t) => {
  const bench = startCluster([...ARGS, '--latency', '0ms,3ms', '--results-dir', 'interrupted'], folder);
  await waitFor(
    () =>
      existsSync(join(folder, 'interrupted')) &&
      readdirSync(join(folder, 'interrupted')).some((name) => name.endsWith('.jsonl')),
  );
  bench.kill('SIGINT');
  const result = await bench;
  t.is(result.exitCode, 130, String(result.stderr));
  const message = String(result.stderr).trimEnd().split('\n').at(-1);
  // The relays restarted at each latency are the lab's, and stay: every other process of the bench is gone.
  await waitFor(() =>
    processesTagged(bench.tag).every((p) => p.title.startsWith('cluster-lab-rel')) ? true : undefined,
  );
  t.is(
    message,
    "Error: interrupted by SIGINT; finished results were kept; continue with: cluster bench -i lab/lab-inventory.yaml -e lab.yaml --lab lab --results-dir interrupted --latency '0ms,3ms'",
  );
  t.deepEqual(latencies(), BEFORE);
});

test('--latency refuses what it cannot honour: several engines, --resume, a latency named twice', async (t) => {
  for (const [args, message] of [
    [
      ['--engine', 'native,dask', '--latency', '1ms'],
      '--latency: a latency sweep runs one engine at a time (run one bench per engine, e.g. --engine native --latency 1ms)',
    ],
    [
      ['--latency', '1ms', '--resume', 'x'],
      '--resume: a latency sweep is not resumed (a --resume would run at the latency the links are at now) (run the latencies still missing again with --latency, as the interrupted sweep printed)',
    ],
    [['--latency', '1ms,1000us'], '--latency: 1ms is named twice (name each latency once)'],
  ]) {
    const result = await cluster([...ARGS, ...args], folder);
    t.is(result.stderr, `Error: ${message}\n`);
    t.is(result.exitCode, 2);
  }
  t.deepEqual(latencies(), BEFORE);
});
