import {networkInterfaces} from 'node:os';
import test from 'ava';
import {DaskCluster, type DaskHost} from '../../src/engine/dask/cluster.js';
import {listenAddresses, parseSshConnection, workerBindProblem} from '../../src/engine/scheduler-address.js';
import {HostError} from '../../src/errors.js';
import {localShell} from '../../src/transport/shell.js';

const parses = test.macro({
  exec(t, text: string, expected: ReturnType<typeof parseSshConnection>) {
    t.deepEqual(parseSshConnection(text), expected);
  },
  title: (_, text) => `SSH_CONNECTION ${JSON.stringify(text)}`,
});

test(parses, '192.168.1.10 52814 192.168.1.21 22\n', {coordinator: '192.168.1.10', host: '192.168.1.21'});
test(parses, '::1 40000 ::1 22', {coordinator: '::1', host: '::1'});
test(parses, 'fe80::1%eth0 40000 fe80::2%eth0 22', {coordinator: 'fe80::1%eth0', host: 'fe80::2%eth0'});
test(parses, 'Welcome to Raspberry Pi OS\n10.0.0.2 40000 10.0.0.5 22', {coordinator: '10.0.0.2', host: '10.0.0.5'});
test(parses, '', undefined);
test(parses, 'host.example 1 other 22', undefined);
test(parses, '$(reboot) 1 10.0.0.5 22', undefined);

test("the scheduler listens on each address the hosts reach this machine at, once, and never on one that is not this machine's", (t) => {
  const local = new Set(['127.0.0.1', '192.168.1.10', '10.8.0.1', 'fe80::1']);
  const routes = [
    {coordinator: '192.168.1.10', host: '192.168.1.21'},
    {coordinator: '127.0.0.1', host: '127.0.0.1'},
    {coordinator: '192.168.1.10', host: '192.168.1.22'},
    {coordinator: '10.8.0.1', host: '10.8.0.7'},
    {coordinator: 'fe80::1%eth0', host: 'fe80::2%eth0'},
  ];
  t.deepEqual(listenAddresses(routes, local), {
    listen: ['192.168.1.10', '127.0.0.1', '10.8.0.1', 'fe80::1%eth0'],
    foreign: [],
  });
  t.deepEqual(listenAddresses([{coordinator: '203.0.113.9', host: '10.0.0.5'}], local), {
    listen: [],
    foreign: ['203.0.113.9'],
  });
  t.false(listenAddresses(routes, local).listen.includes('0.0.0.0'));
});

test('a host that reaches this machine at an address that is none of its own (a NAT between) is refused before any scheduler starts', async (t) => {
  const host = {
    host: {name: 'pi-behind-nat', transport: 'ssh', cores: 4, labels: []},
    shell: localShell,
    python: 'python3',
    route: {coordinator: '203.0.113.9', host: '10.0.0.5'},
  } as DaskHost;
  const error = await t.throwsAsync(DaskCluster.start('/nonexistent/python3', '/nonexistent', [host]), {
    instanceOf: HostError,
  });
  t.is(
    error?.message,
    "reaches this machine at 203.0.113.9, which is not an address of this machine (a NAT or a jump host stands between them), so its dask worker could not reach a scheduler here; run the bench from a machine on the hosts' network, or use --engine native",
  );
  t.is((error as HostError).reason, 'dask-route');
});

const bindRefused = test.macro({
  exec(t, address: string, problem: string | undefined) {
    t.is(workerBindProblem(address), problem);
  },
  title: (_, address, problem) => `a worker ${problem ? 'never listens' : 'listens'} on ${address}`,
});

test(bindRefused, '192.168.1.21', undefined);
test(bindRefused, '127.0.0.1', undefined);
test(bindRefused, 'fe80::2%eth0', undefined);
test(bindRefused, '2001:db8::7', undefined);
test(bindRefused, '::ffff:10.0.0.5', undefined);
test(bindRefused, '::1', undefined);
test(bindRefused, '0.0.0.0', 'is the unspecified address (every interface of the host)');
test(bindRefused, '0.1.2.3', 'is the unspecified address (every interface of the host)');
test(bindRefused, '::', 'is the unspecified address (every interface of the host)');
test(bindRefused, '0:0:0:0:0:0:0:0', 'is the unspecified address (every interface of the host)');
test(bindRefused, '::0', 'is the unspecified address (every interface of the host)');
test(bindRefused, '::ffff:0.0.0.0', 'is the unspecified address (every interface of the host)');
test(bindRefused, '::0.0.0.0', 'is the unspecified address (every interface of the host)');
test(bindRefused, '224.0.0.1', 'is a multicast address');
test(bindRefused, 'ff02::1%eth0', 'is a multicast address');
test(bindRefused, '255.255.255.255', 'is the broadcast address');
test(bindRefused, '240.0.0.1', "is a reserved address, not a host's");
test(bindRefused, '999.1.1.1', 'is not an IP address');
test(bindRefused, '1:2:3', 'is not an IP address');
test(bindRefused, '1::2::3', 'is not an IP address');

test('a host whose SSH_CONNECTION says it is reached at 0.0.0.0 is refused before any scheduler starts, so its worker never listens on every interface', async (t) => {
  const local = Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .find((entry) => entry.family === 'IPv4')!.address;
  for (const bind of ['0.0.0.0', '::', '224.0.0.251']) {
    const host = {
      host: {name: 'pi', transport: 'ssh', cores: 4, labels: []},
      shell: localShell,
      python: 'python3',
      route: {coordinator: local, host: bind},
    } as DaskHost;
    const error = await t.throwsAsync(DaskCluster.start('/nonexistent/python3', '/nonexistent', [host]), {
      instanceOf: HostError,
    });
    t.regex(
      error?.message ?? '',
      new RegExp(
        `^sshd says this host is reached at ${bind.replaceAll('.', '\\.')}, which is (the unspecified|a multicast) address`,
      ),
    );
    t.is((error as HostError).reason, 'dask-route');
    t.is((error as HostError).host, 'pi');
  }
});
