import {readFileSync} from 'node:fs';
import anyTest, {type TestFn} from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {sshdUnavailable, startSshd, type TestSshd} from '../helpers/sshd.js';

// A ~/.bashrc that prints, as Raspberry Pi images' often do (a welcome line, neofetch, a terminal
// title): bash reads it for every command sshd starts, so it comes before every answer and every
// worker's frames, and breaks an sftp-server started through the shell. Against a real sshd.
const unavailable = sshdUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`the SSH tests must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the login chatter tests: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest) as TestFn;

const WELCOME = String.raw`printf '\033]0;pi@raspberrypi: ~\007\033[1;32mWelcome to Raspberry Pi OS\033[0m\n'
echo 'The programs included with the Debian GNU/Linux system are free software;'
seq 1 20000
echo 'bash: /home/pi/.cargo/env: No such file or directory' >&2
printf 'Last login: Sat Dec  5 10:00:00 2026 from 192.168.1.2'
`;
const WELCOME_SHOWN = String.raw`'\u001b]0;pi@raspberrypi: ~\u0007\u001b[1;32mWelcome to Raspb...'`;
const FIX = 'make ~/.bashrc print only for interactive shells (e.g. start it with `[[ $- == *i* ]] || return`)';

let sshd: TestSshd;
anyTest.before(async () => {
  if (!unavailable) sshd = await startSshd({bashrc: WELCOME, sftp: 'external'});
});
anyTest.after.always(async () => {
  await sshd?.stop();
});

function home(server: TestSshd): string {
  const folder = folderWith({
    'inventory.yaml': `knownHosts: known_hosts
defaults: { user: root, identityFile: ${server.userKey} }
hosts:
  chatty: { address: 127.0.0.1, port: ${server.port}, cores: 1 }
  local-a: { transport: local, cores: 1 }
`,
    known_hosts: `${server.hostKeyLine()}\n`,
    'experiments/chatty.yaml':
      'dataset: { kind: synthetic, samples: 600, features: 6, informative: 3, seed: 3 }\nforest: { trees: 6 }\ncombinations: [[local-a], [chatty], [chatty, local-a]]\nruns: 1\nwarmup: 0\n',
  });
  return folder;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const run = (args: string[], folder: string) => cluster(args, folder, {HOME: folder, SSH_AUTH_SOCK: undefined});

test.serial(
  'provision, status and bench work on a host whose ~/.bashrc prints, and status says how to quiet it',
  async (t) => {
    const folder = home(sshd);
    const provision = await run(['provision', '--json', '--hosts', 'chatty'], folder);
    t.is(provision.exitCode, 0, provision.stdout + provision.stderr);
    const [installed] = JSON.parse(provision.stdout);
    t.like(installed, {host: 'chatty', ok: true, error: null, facts: {os: 'Linux', node: process.version}});
    t.is(installed.bytesTransferred, readFileSync(new URL('../../worker.mjs', import.meta.url)).length);
    const again = await run(['provision', '--hosts', 'chatty'], folder);
    t.is(again.exitCode, 0, again.stdout + again.stderr);
    t.regex(
      again.stderr,
      new RegExp(
        `^chatty  warning: your shell prints at login: .*; ${escape(FIX)}\nchatty  worker up to date, nothing sent\n`,
        'm',
      ),
    );

    const status = await run(['status', '--json', '--hosts', 'chatty'], folder);
    t.is(status.exitCode, 0, status.stdout + status.stderr);
    const [chatty] = JSON.parse(status.stdout);
    t.like(chatty, {
      host: 'chatty',
      reachable: true,
      ready: true,
      workerUpToDate: true,
      node: process.version,
      os: 'Linux',
      error: null,
    });
    t.true(chatty.latencyMs > 0 && chatty.latencyMs < 1000, String(chatty.latencyMs));
    t.deepEqual(chatty.warnings, [`your shell prints at login: ${WELCOME_SHOWN}; ${FIX}`]);
    t.like(chatty.dask, {path: '/usr/bin/python3'});

    const bench = await run(['bench', '--experiment', 'experiments/chatty.yaml', '--json'], folder);
    t.is(bench.exitCode, 0, bench.stderr);
    const rows = JSON.parse(bench.stdout).rows;
    t.deepEqual(
      rows.map((row: {hosts: string[]}) => row.hosts),
      [['local-a'], ['chatty'], ['chatty', 'local-a']],
    );
    t.true(rows.every((row: {accuracy: number}) => row.accuracy === rows[0].accuracy));
  },
);

test.serial(
  'the dask engine on a host whose ~/.bashrc prints: its Python is found, and its worker joins',
  async (t) => {
    const folder = home(sshd);
    const provision = await run(['provision', '--engine', 'dask', '--hosts', 'chatty'], folder);
    t.is(provision.exitCode, 0, provision.stdout + provision.stderr);
    t.regex(provision.stdout, /│ chatty +│ ok +│ \/usr\/bin\/python3 3\.\d+\.\d+ +│/);
    const bench = await run(
      ['bench', '--experiment', 'experiments/chatty.yaml', '--engine', 'dask', '--hosts', 'chatty', '--json'],
      folder,
    );
    t.is(bench.exitCode, 0, bench.stderr);
    t.deepEqual(
      JSON.parse(bench.stdout).rows.map((row: {hosts: string[]; status: string}) => [row.hosts, row.status]),
      [[['chatty'], 'ok']],
    );
  },
);

// Other banners: escapes with no line end, a line only on stderr, one that looks like a frame's length, a shell that exits.
for (const [what, bashrc, warning] of [
  [
    'a title and a screen clear, no line end',
    String.raw`printf '\033]2;x\007\033[2J\033[H'`,
    String.raw`your shell prints at login: '\u001b]2;x\u0007\u001b[2J\u001b[H'; ${FIX}`,
  ],
  [
    'four bytes that read as a small frame length',
    String.raw`printf '\000\000\000\010{"type"'`,
    String.raw`your shell prints at login: '\u0000\u0000\u0000\b{"type"'; ${FIX}`,
  ],
  ['only stderr', 'echo "stty: standard input: Inappropriate ioctl for device" >&2', undefined],
] as const) {
  test(`status on a host whose ~/.bashrc prints ${what}`, async (t) => {
    const own = await startSshd({bashrc, sftp: 'external'});
    try {
      const status = await run(['status', '--json', '--hosts', 'chatty'], home(own));
      const [chatty] = JSON.parse(status.stdout);
      t.like(chatty, {host: 'chatty', reachable: true, os: 'Linux', node: process.version, error: null});
      t.deepEqual(
        chatty.warnings.filter((w: string) => !w.startsWith('worker not installed')),
        warning ? [warning] : [],
      );
    } finally {
      await own.stop();
    }
  });
}

test('a login shell that exits before the command is named, with what it printed', async (t) => {
  const own = await startSshd({bashrc: 'echo "This account is not available."\nexit 1\n'});
  try {
    const status = await run(['status', '--json', '--hosts', 'chatty'], home(own));
    t.is(status.exitCode, 3);
    const [chatty] = JSON.parse(status.stdout);
    t.like(chatty, {host: 'chatty', reachable: true, ready: false, reason: 'login-shell'});
    t.is(
      chatty.error,
      `host chatty: the login shell ended (exit 1) before running the command; it printed: 'This account is not available.\\n'; check the user's shell and ~/.bashrc on the host`,
    );
  } finally {
    await own.stop();
  }
});
