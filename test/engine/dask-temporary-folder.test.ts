import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {sweepStaleFolders, temporaryFolder} from '../../src/engine/dask/temporary-folder.js';

/** A process of the test's own that has ended: its pid names no one (a test process, so not reused this soon). */
async function endedPid(): Promise<number> {
  const child = execa(process.execPath, ['-e', '0']);
  await child;
  return child.pid!;
}

const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const startOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19];

/** A folder as a run of `pid` (started at `started`) leaves it. */
function leftBy(pid: number, started: string, boot = bootId()): string {
  const path = mkdtempSync(join(tmpdir(), 'cluster-dask-'));
  mkdirSync(join(path, 'tls'));
  writeFileSync(join(path, 'tls', 'ca.key'), 'secret');
  writeFileSync(join(path, 'owner'), `${pid} ${started} ${boot}`);
  return path;
}

test("opening a dask folder sweeps those a killed run left (owner ended, its pid another's, or another boot) and never a live run's", async (t) => {
  const live = execa(process.execPath, ['-e', 'console.log("up"); setInterval(() => undefined, 1e6)'], {reject: false});
  await new Promise((started) => live.stdout!.once('data', started));
  const paths: string[] = [];
  try {
    const ended = leftBy(await endedPid(), '12345');
    const recycled = leftBy(process.pid, '1');
    const rebooted = leftBy(live.pid!, startOf(live.pid!), 'a-boot-before-the-last-reboot');
    const running = leftBy(live.pid!, startOf(live.pid!));
    const ownerless = mkdtempSync(join(tmpdir(), 'cluster-dask-'));
    const strangers = leftBy(await endedPid(), '12345');
    chownSync(strangers, 65534, 65534);
    // A link named like ours, to a folder of a dead owner elsewhere: neither is removed.
    const target = mkdtempSync(join(tmpdir(), 'cluster-target-'));
    writeFileSync(join(target, 'owner'), `${await endedPid()} 12345 ${bootId()}`);
    const link = join(tmpdir(), 'cluster-dask-LINK00');
    symlinkSync(target, link);
    paths.push(running, ownerless, strangers, target, link);
    const opened = temporaryFolder('cluster-dask-');
    paths.push(opened.path);
    for (const [what, path] of [
      ['ended', ended],
      ['recycled', recycled],
      ['rebooted', rebooted],
    ])
      t.false(existsSync(path), `${what}: swept`);
    for (const [what, path] of [
      ['live', running],
      ['ownerless', ownerless],
      ["another user's", strangers],
      ["the link's target", target],
    ])
      t.true(existsSync(path), `${what}: kept`);
    t.true(lstatSync(link).isSymbolicLink(), 'the link: kept');
    t.deepEqual(
      sweepStaleFolders('cluster-dask-').filter((path) => paths.includes(path)),
      [],
      "the folder just opened is its own live run's",
    );
    t.true(existsSync(opened.path));
    opened.remove();
    live.kill();
    await live;
    t.deepEqual(
      sweepStaleFolders('cluster-dask-').filter((path) => paths.includes(path)),
      [running],
      'once its run is gone, it goes',
    );
  } finally {
    live.kill();
    await execa('rm', ['-rf', ...paths]);
  }
});
