import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {execa, type ResultPromise} from 'execa';
import {labDown} from '../../src/lab/lab.js';
import {bootId, startTimeOf} from '../../src/lab/processes.js';
import {folderWith} from '../helpers/files.js';

// After a crash or a reboot the pids in state.json belong to whoever got them next: down must
// stop only the processes the lab started. Names no lab uses (a lab's tag is a number): nothing real is touched.
const host = (pids: {relayPid?: number; sshdPid?: number; relayStarted?: string; sshdStarted?: string}) => ({name: 'x', netns: 'clzz-x', veth: 'clzzv0', address: '198.18.250.10', relayPort: 2201, cgroup: '/sys/fs/cgroup/cluster-labzz-x', cores: 1, latencyMs: 0, jitterMs: 0, loss: 0, ...pids});

function labWith(hosts: ReturnType<typeof host>[], boot?: string): string {
  const dir = folderWith();
  writeFileSync(join(dir, 'state.json'), JSON.stringify({dir, bridge: 'clbrzz', gateway: '198.18.250.1', bootId: boot, hosts}));
  return dir;
}

/** A process of the test's own, whose command line carries `words`: it looks like the lab's to a glance at its name. */
async function bystander(...words: string[]): Promise<{pid: number; child: ResultPromise}> {
  const child = execa(process.execPath, ['-e', 'console.log("up"); setInterval(() => undefined, 1e6)', ...words], {reject: false});
  await new Promise((started) => child.stdout!.once('data', started));
  return {pid: child.pid!, child};
}

/** Running, not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

test('down leaves alone a process that got a relay\'s or sshd\'s pid, and says so', async (t) => {
  const sleeper = execa('sleep', ['1000'], {reject: false});
  const lookalike = await bystander('cluster-lab-relay');
  try {
    // A state from before start times were recorded: the command line alone tells, and `sleep` is no relay.
    const old = labWith([host({relayPid: sleeper.pid, sshdPid: sleeper.pid})]);
    const {spared} = await labDown(old);
    t.deepEqual(spared, [`left pid ${sleeper.pid} alone: it is no longer the relay of x (another program has that pid now)`, `left pid ${sleeper.pid} alone: it is no longer the sshd of x (another program has that pid now)`]);
    t.false(existsSync(join(old, 'state.json')));
    // A process named like a relay, but started at another time than the one recorded.
    const real = startTimeOf(lookalike.pid)!;
    t.is((await labDown(labWith([host({relayPid: lookalike.pid, relayStarted: '1'})], bootId()))).spared.length, 1);
    // Its start time, but in the boot before the machine restarted: nothing of that lab is left but its files.
    const rebooted = labWith([host({relayPid: lookalike.pid, relayStarted: real})], 'a-boot-before-the-last-reboot');
    t.deepEqual(await labDown(rebooted), {removed: [`the keys, configs and inventory in ${rebooted}`], spared: []});
    t.true(alive(sleeper.pid!) && alive(lookalike.pid), 'neither was killed');
    // The one the lab did start (its start time and boot recorded at up) is stopped.
    const ours = labWith([host({relayPid: lookalike.pid, relayStarted: real})], bootId());
    t.deepEqual((await labDown(ours)).spared, []);
    await lookalike.child;
    t.false(existsSync(`/proc/${lookalike.pid}`), 'the relay the lab started was stopped');
  } finally {
    sleeper.kill();
    lookalike.child.kill();
  }
});
