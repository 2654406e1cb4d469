import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import {createServer, type Socket} from 'node:net';
import test from 'ava';
import {endsCleanly, startCluster} from '../helpers/faults.js';
import {folderWith} from '../helpers/files.js';

// Every command ends on Ctrl-C, SIGTERM and SIGHUP alike: exit 130 and one line, even while it
// waits on something that cannot hear a signal (a host that accepts the connection and never answers).
const interrupted = test.macro(async (t, args: string[], signal: NodeJS.Signals, message: string) => {
  const sockets: Socket[] = [];
  let connected!: () => void;
  const connection = new Promise<void>((resolve) => (connected = resolve));
  const silent = createServer((socket) => {
    sockets.push(socket);
    connected();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as {port: number}).port;
    const folder = folderWith({
      'inventory.yaml': `connectTimeout: 30\nhosts:\n  mute: { address: 127.0.0.1, port: ${port}, user: root, identityFile: key, cores: 1 }\n`,
    });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(folder, 'key')]);
    const run = startCluster(args, folder);
    await connection;
    run.kill(signal);
    t.is(await endsCleanly(t, run, 130), message);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`status, waiting on a host, ends on ${signal}`, interrupted, ['status'], signal, `interrupted by ${signal}`);
}
test('provision, waiting on a host, ends on SIGTERM', interrupted, ['provision'], 'SIGTERM', 'interrupted by SIGTERM');
