import {existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {execa, type ResultPromise} from 'execa';
import {InputError} from '../../src/errors.js';
import {labDown} from '../../src/lab/lab.js';
import {bootId, startTimeOf} from '../../src/lab/processes.js';
import {LAB_SLOTS, labNames} from '../../src/lab/state.js';
import {cpuCgroup} from '../../src/lab/system.js';
import {folderWith} from '../helpers/files.js';

// After a crash or a reboot the pids in state.json belong to whoever got them next: down must
// stop only the processes the lab started. The last slot's names, which no lab here reaches: nothing real is touched.
const LAST = labNames(LAB_SLOTS - 1);
const host = (pids: {relayPid?: number; sshdPid?: number; relayStarted?: string; sshdStarted?: string}) => ({
  name: 'x',
  ...LAST.host('x', 0),
  relayPort: 2201,
  cores: 1,
  latencyMs: 0,
  jitterMs: 0,
  loss: 0,
  ...pids,
});

function labWith(hosts: ReturnType<typeof host>[], boot?: string): string {
  const dir = folderWith();
  writeFileSync(
    join(dir, 'state.json'),
    JSON.stringify({dir, bridge: LAST.bridge, gateway: LAST.gateway, bootId: boot, hosts}),
  );
  return dir;
}

/** A process of the test's own, whose command line carries `words`: it looks like the lab's to a glance at its name. */
async function bystander(...words: string[]): Promise<{pid: number; child: ResultPromise}> {
  const child = execa(process.execPath, ['-e', 'console.log("up"); setInterval(() => undefined, 1e6)', ...words], {
    reject: false,
  });
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

test("down leaves alone a process that got a relay's or sshd's pid, and says so", async (t) => {
  const sleeper = execa('sleep', ['1000'], {reject: false});
  const lookalike = await bystander('cluster-lab-relay');
  try {
    // A state from before start times were recorded: the command line alone tells, and `sleep` is no relay.
    const old = labWith([host({relayPid: sleeper.pid, sshdPid: sleeper.pid})]);
    const {spared} = await labDown(old);
    t.deepEqual(spared, [
      `left pid ${sleeper.pid} alone: it is no longer the relay of x (another program has that pid now)`,
      `left pid ${sleeper.pid} alone: it is no longer the sshd of x (another program has that pid now)`,
    ]);
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

// A folder someone hands over, with a state naming this machine's own links, namespace and cgroup:
// `sudo cluster lab down` in it must refuse before removing anything, whichever field lies.
test('down refuses a state that names a bridge, link, namespace, cgroup, address or folder lab up never makes, and removes none of them', async (t) => {
  const victim = {link: 'hv0', bridge: 'hbr0', netns: 'hostile-victim', cgroup: cpuCgroup('hostile-victim').dir};
  const exists = () => [
    existsSync(`/sys/class/net/${victim.link}`),
    existsSync(`/sys/class/net/${victim.bridge}`),
    existsSync(`/run/netns/${victim.netns}`),
    existsSync(victim.cgroup),
  ];
  try {
    // This kernel has no dummy links: a veth pair and a bridge stand for eth0.
    await execa('ip', ['link', 'add', victim.link, 'type', 'veth', 'peer', 'name', `${victim.link}p`]);
    await execa('ip', ['link', 'add', victim.bridge, 'type', 'bridge']);
    await execa('ip', ['netns', 'add', victim.netns]);
    mkdirSync(victim.cgroup);
    const slot = labNames(9);
    const good = {name: 'n1', ...slot.host('n1', 0), relayPort: 2201, cores: 1, latencyMs: 1, jitterMs: 0, loss: 0};
    const hostile = (edit: (state: Record<string, unknown>, dir: string) => void): string => {
      const dir = folderWith();
      const state = {dir, bridge: slot.bridge, gateway: slot.gateway, bootId: bootId(), hosts: [{...good}]};
      edit(state, dir);
      writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
      return dir;
    };
    const hosts = (state: Record<string, unknown>) => (state.hosts as Record<string, unknown>[])[0];
    const cases: [string, string, (state: Record<string, unknown>, dir: string) => void][] = [
      [
        "the repro: every name another thing's",
        "bridge: 'hbr0' is not a lab's bridge (clbr0 to clbr63)",
        (state) =>
          Object.assign(state, {
            bridge: victim.bridge,
            hosts: [{...good, netns: victim.netns, veth: victim.link, cgroup: victim.cgroup}],
          }),
      ],
      [
        "a bridge that is a lab slot's name with a leading zero",
        "bridge: 'clbr09' is not a lab's bridge (clbr0 to clbr63)",
        (state) => Object.assign(state, {bridge: 'clbr09'}),
      ],
      [
        'a veth',
        `hosts.0.veth: 'hv0' is not ${slot.host('n1', 0).veth}, the one lab up makes for n1`,
        (state) => Object.assign(hosts(state), {veth: victim.link}),
      ],
      [
        'a namespace',
        `hosts.0.netns: 'hostile-victim' is not ${slot.host('n1', 0).netns}, the one lab up makes for n1`,
        (state) => Object.assign(hosts(state), {netns: victim.netns}),
      ],
      [
        'a cgroup',
        `hosts.0.cgroup: '${victim.cgroup}' is not ${slot.host('n1', 0).cgroup}, the one lab up makes for n1`,
        (state) => Object.assign(hosts(state), {cgroup: victim.cgroup}),
      ],
      [
        'a cgroup reached through ..',
        `hosts.0.cgroup: '${slot.host('n1', 0).cgroup}/../hostile-victim' is not ${slot.host('n1', 0).cgroup}, the one lab up makes for n1`,
        (state) => Object.assign(hosts(state), {cgroup: `${slot.host('n1', 0).cgroup}/../hostile-victim`}),
      ],
      [
        "another slot's veth",
        `hosts.0.veth: 'cl8v0' is not ${slot.host('n1', 0).veth}, the one lab up makes for n1`,
        (state) => Object.assign(hosts(state), {veth: 'cl8v0'}),
      ],
      [
        "an address outside the bridge's network",
        "hosts.0.address: '10.0.0.5' is not in 198.18.9.0/24, the network of clbr9",
        (state) => Object.assign(hosts(state), {address: '10.0.0.5'}),
      ],
      [
        "a gateway not the bridge's",
        "gateway: '198.18.8.1' is not 198.18.9.1, the address of clbr9",
        (state) => Object.assign(state, {gateway: '198.18.8.1'}),
      ],
      [
        'another folder',
        "dir: '/etc' is not the folder the state is in",
        (state) => Object.assign(state, {dir: '/etc'}),
      ],
    ];
    for (const [what, problem, edit] of cases) {
      const dir = hostile(edit);
      const error = await t.throwsAsync(labDown(dir), {instanceOf: InputError}, what);
      t.is(
        error?.message,
        `${join(dir, 'state.json')}: ${problem}: was it edited? (put back the one lab up wrote, or remove it and delete the lab's namespaces (ip netns list, cl-*) and bridge (ip link, clbr*) by hand)`,
        what,
      );
      t.deepEqual(exists(), [true, true, true, true], `${what}: nothing was removed`);
      t.true(existsSync(join(dir, 'state.json')), `${what}: the state is kept`);
    }
  } finally {
    await execa('ip', ['link', 'del', victim.link], {reject: false});
    await execa('ip', ['link', 'del', victim.bridge], {reject: false});
    await execa('ip', ['netns', 'del', victim.netns], {reject: false});
    if (existsSync(victim.cgroup)) rmdirSync(victim.cgroup);
  }
});
