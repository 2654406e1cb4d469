import {randomUUID} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {cluster} from '../helpers/cli.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';
import {daskProcesses, processesTagged, waitFor} from '../helpers/processes.js';

const RUN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const EXPERIMENT = `name: cleanup
dataset: { kind: synthetic, samples: 6000, features: 12, informative: 6, classes: 2, seed: 4 }
forest: { trees: 20000, seed: 3 }
combinations: [[local-a, local-b]]
runs: 1
warmup: 0
engine: dask
`;

/** The engine's folder of training rows, once it holds them. */
const rowsFolder = (tmp: string) =>
  readdirSync(tmp).find((name) => name.startsWith('cluster-dask-') && existsSync(join(tmp, name, 'x_train.npy')));
/** The moments a signal can come: the rows written; a worker's folder made; the scheduler, driver, nannies and workers all up. */
const MOMENTS = {
  opening: () => true,
  'starting workers': (tmp: string) => readdirSync(tmp).filter((name) => name.startsWith('cluster-dask-')).length >= 2,
  fitting: (_: string, tag: string) => processesTagged(tag).filter(({title}) => title.startsWith('python')).length >= 8,
};

const signalled = test.macro({
  async exec(t, signal: NodeJS.Signals, moment: keyof typeof MOMENTS) {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': EXPERIMENT});
    const tag = `dask-cleanup-${randomUUID()}`;
    // The sweep's own temporary folder: what it leaves there is what it left behind.
    const tmp = mkdtempSync(join(tmpdir(), 'dask-cleanup-'));
    t.teardown(() => rmSync(tmp, {recursive: true, force: true}));
    const bench = execa(process.execPath, [RUN, 'bench'], {
      cwd: folder,
      reject: false,
      forceKillAfterDelay: false,
      env: {CLUSTER_TEST_TAG: tag, TMPDIR: tmp},
    });
    t.teardown(() => void bench.kill('SIGKILL'));
    const rows = await waitFor(() => rowsFolder(tmp), 180_000);
    await waitFor(() => MOMENTS[moment](tmp, tag) || undefined, 180_000);
    bench.kill(signal);
    const result = await bench;
    t.true(result.exitCode !== undefined || result.signal !== undefined, 'the bench ended');
    t.false(existsSync(join(tmp, rows)), `the rows' folder ${rows} is gone as the bench ends`);
    // Workers end as their input closes, removing their folders: at once, or just after an unhandled signal.
    await waitFor(() => readdirSync(tmp).length === 0 && daskProcesses(tag).length === 0, 60_000).catch(
      () => undefined,
    );
    t.deepEqual(readdirSync(tmp), [], "no temporary folder is left: rows, certificates, workers' folders");
    t.deepEqual(daskProcesses(tag), [], 'no dask process is left');
  },
  title: (_, signal, moment) =>
    `${signal} while the dask engine is ${moment}: every temporary folder is removed, no dask process left`,
});

test.serial(signalled, 'SIGHUP', 'opening');
test.serial(signalled, 'SIGHUP', 'starting workers');
test.serial(signalled, 'SIGHUP', 'fitting');
test.serial(signalled, 'SIGTERM', 'opening');
test.serial(signalled, 'SIGTERM', 'starting workers');
test.serial(signalled, 'SIGTERM', 'fitting');
test.serial(signalled, 'SIGINT', 'fitting');

test.serial(
  'a coordinator python without cryptography: refused with the install command, nothing left behind',
  async (t) => {
    const folder = folderWith({
      'inventory.yaml': `python: ./python-without-cryptography\n${TWO_LOCAL_HOSTS}`,
      'experiments/local.yaml': EXPERIMENT,
    });
    // The same python, seeing a cryptography that cannot be imported.
    mkdirSync(join(folder, 'shadow/cryptography'), {recursive: true});
    writeFileSync(
      join(folder, 'shadow/cryptography/__init__.py'),
      'raise ImportError("No module named \'cryptography\'")\n',
    );
    writeFileSync(
      join(folder, 'python-without-cryptography'),
      `#!/bin/sh\nPYTHONPATH=${join(folder, 'shadow')} exec /usr/bin/python3 "$@"\n`,
    );
    chmodSync(join(folder, 'python-without-cryptography'), 0o755);
    const tmp = mkdtempSync(join(tmpdir(), 'dask-cleanup-'));
    t.teardown(() => rmSync(tmp, {recursive: true, force: true}));
    const result = await cluster(['bench'], folder, {TMPDIR: tmp});
    t.is(
      result.stderr,
      "Error: host coordinator: ./python-without-cryptography cannot make the sweep's TLS certificates (No module named 'cryptography'); install cryptography: sudo apt install python3-cryptography (Debian, Raspberry Pi OS), or: python3 -m pip install cryptography\n",
    );
    t.is(result.exitCode, 3);
    t.deepEqual(readdirSync(tmp), []);
  },
);
