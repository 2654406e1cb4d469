import {readFileSync} from 'node:fs';
import test from 'ava';
import {cgroupCpuQuota, readMachineIdentity} from '../../src/worker/machine-identity.js';
import {folderWith} from '../helpers/files.js';

const V1_MOUNTS = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const V2_MOUNTS =
  '30 23 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';

/** A /proc and /sys of a machine, as files under a folder. */
const quota = test.macro((t, files: Record<string, string>, expected: number | null) => {
  t.is(cgroupCpuQuota(`${folderWith(files)}/`), expected);
});

test(
  "cgroup v2: the quota of the process's own cgroup",
  quota,
  {
    'proc/self/cgroup': '0::/lab/pi1\n',
    'proc/self/mountinfo': V2_MOUNTS,
    'sys/fs/cgroup/lab/pi1/cpu.max': '10000 100000\n',
    'sys/fs/cgroup/lab/cpu.max': 'max 100000\n',
  },
  0.1,
);

test(
  "cgroup v2: an ancestor's tighter quota is the one that holds",
  quota,
  {
    'proc/self/cgroup': '0::/lab/pi1\n',
    'proc/self/mountinfo': V2_MOUNTS,
    'sys/fs/cgroup/lab/pi1/cpu.max': '200000 100000\n',
    'sys/fs/cgroup/lab/cpu.max': '50000 100000\n',
  },
  0.5,
);

test(
  'cgroup v2 with no limit anywhere',
  quota,
  {
    'proc/self/cgroup': '0::/user.slice/session-1.scope\n',
    'proc/self/mountinfo': V2_MOUNTS,
    'sys/fs/cgroup/user.slice/session-1.scope/cpu.max': 'max 100000\n',
  },
  null,
);

test(
  'cgroup v1: cpu.cfs_quota_us over cpu.cfs_period_us, in the hierarchy that has the cpu controller',
  quota,
  {
    'proc/self/cgroup': '4:memory:/other\n2:cpu,cpuacct:/cluster-lab1-slow\n0::/\n',
    'proc/self/mountinfo': V1_MOUNTS,
    'sys/fs/cgroup/cpu,cpuacct/cluster-lab1-slow/cpu.cfs_quota_us': '30000\n',
    'sys/fs/cgroup/cpu,cpuacct/cluster-lab1-slow/cpu.cfs_period_us': '100000\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '-1\n',
    'sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    // The memory controller's folder is not a CPU limit, whatever it holds.
    'sys/fs/cgroup/memory/other/cpu.cfs_quota_us': '1000\n',
  },
  0.3,
);

test(
  'cgroup v1: -1 is no limit',
  quota,
  {
    'proc/self/cgroup': '1:cpu:/\n0::/\n',
    'proc/self/mountinfo': V1_MOUNTS.replace(
      'cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct',
      'cpu rw,relatime - cgroup cgroup rw,cpu',
    ),
    'sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
    'sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
  },
  null,
);

// A container sees its own part of the hierarchy mounted as /sys/fs/cgroup, while /proc/self/cgroup names the whole path.
test(
  'a cgroup mounted from inside the hierarchy (a container): the path is taken relative to that mount',
  quota,
  {
    'proc/self/cgroup': '0::/docker/abc123\n',
    'proc/self/mountinfo': '30 23 0:27 /docker/abc123 /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw\n',
    'sys/fs/cgroup/cpu.max': '150000 100000\n',
  },
  1.5,
);

test('no /proc/self/cgroup (not Linux), or no cgroup mounted: no limit known', (t) => {
  t.is(cgroupCpuQuota(`${folderWith()}/`), null);
  t.is(cgroupCpuQuota(`${folderWith({'proc/self/cgroup': '0::/a\n', 'proc/self/mountinfo': ''})}/`), null);
});

test('the identity names the machine by its boot id, with its CPUs and Node.js', (t) => {
  const root = folderWith({
    'proc/sys/kernel/random/boot_id': 'b007-1d\n',
    'proc/self/cgroup': '0::/x\n',
    'proc/self/mountinfo': V2_MOUNTS,
    'sys/fs/cgroup/x/cpu.max': '25000 100000\n',
  });
  const identity = readMachineIdentity(`${root}/`);
  t.like(identity, {bootId: 'b007-1d', cpuQuota: 0.25, arch: process.arch, node: process.version});
  t.true(identity.cpus >= 1 && identity.available >= 1 && identity.available <= identity.cpus);
  t.is(readMachineIdentity(`${folderWith()}/`).bootId, null);
});

test('on this machine: the boot id /proc has', (t) => {
  t.is(readMachineIdentity().bootId, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
});
