import {randomUUID} from 'node:crypto';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {strangerTries} from '../helpers/dask-stranger.js';
import {listenersOf, listensEverywhere} from '../helpers/listeners.js';
import {daskProcesses, processesTagged, waitFor} from '../helpers/processes.js';

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
// Long enough that the sweep is still fitting when the stranger is done; the test stops it.
const EXPERIMENT = `name: stranger
dataset: { kind: synthetic, samples: 6000, features: 12, informative: 6, classes: 2, seed: 4 }
forest: { trees: 20000, seed: 3 }
combinations: [[local-a, local-b]]
runs: 1
warmup: 0
engine: dask
`;

test.serial(
  "a stranger cannot use a dask sweep's scheduler: a plain client and one with its own certificate are refused, nothing listens on every address",
  async (t) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': EXPERIMENT});
    const tag = `dask-stranger-${randomUUID()}`;
    const tmp = mkdtempSync(join(tmpdir(), 'dask-stranger-'));
    t.teardown(() => rmSync(tmp, {recursive: true, force: true}));
    const bench = execa(process.execPath, [RUN, 'bench'], {
      cwd: folder,
      reject: false,
      forceKillAfterDelay: false,
      env: {CLUSTER_TEST_TAG: tag, TMPDIR: tmp},
    });
    // The fit is under way once both workers have joined: each has a listener, as the scheduler has.
    // A failed assertion must not leave the sweep running.
    t.teardown(() => void bench.kill('SIGKILL'));
    const {scheduler, workers} = await waitFor(() => {
      const scheduler = pidOf(tag, /^\S*python3? (\S*dask_driver\.py scheduler|-m distributed\.cli\.dask_scheduler) /);
      const workers = processesTagged(tag).filter(
        ({pid}) => commandOf(pid).includes('distributed.cli.dask_worker') && listenersOf(pid).length > 0,
      );
      return scheduler &&
        listenersOf(scheduler).length > 0 &&
        workers.length === 2 &&
        pidOf(tag, /^\S*python3? \S*dask_driver\.py \w+:/)
        ? {scheduler, workers}
        : undefined;
    }, 180_000);
    const listeners = listenersOf(scheduler);
    t.deepEqual(
      listeners.map((l) => l.address),
      ['127.0.0.1'],
      'local hosts only: the scheduler listens on the loopback alone, with no HTTP server',
    );
    for (const {pid} of processesTagged(tag))
      t.deepEqual(
        listenersOf(pid).filter(listensEverywhere),
        [],
        `nothing of pid ${pid} (${commandOf(pid)}) listens on every address`,
      );
    t.true(workers.length === 2);

    const marker = join(tmp, `stranger-was-here-${randomUUID()}`);
    const tries = await strangerTries(`127.0.0.1:${listeners[0].port}`, marker);
    t.regex(tries.plain, /^refused: /);
    t.regex(tries['own certificate'], /^refused: /);
    t.false(existsSync(marker), 'no command of the stranger ran');
    t.true(listenersOf(scheduler).length > 0, 'the scheduler was up all along');

    bench.kill('SIGTERM');
    const result = await bench;
    t.regex(
      String(result.stderr),
      /^Error: interrupted by SIGTERM; finished results were kept; continue with: cluster bench --resume \S+$/m,
    );
    t.deepEqual(readdirSync(tmp), [], "the rows, the certificates and the workers' folders are gone");
    t.deepEqual(daskProcesses(tag), []);
  },
);

function pidOf(tag: string, command: RegExp): number | undefined {
  return processesTagged(tag).find(({pid}) => command.test(commandOf(pid)))?.pid;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
