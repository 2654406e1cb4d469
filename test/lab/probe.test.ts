import {createServer, type Socket} from 'node:net';
import test from 'ava';
import {portTaken, speaksSsh} from '../../src/lab/probe.js';

/** A server on a free port that answers its first connection with `answer`, then stops listening. */
async function serverThat(answer: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    server.close();
    answer(socket);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return (server.address() as {port: number}).port;
}

test('a relay whose sshd is not up yet accepts, then closes without a byte: not SSH, and the probe ends', async (t) => {
  // Before, no error came and the probe never settled: lab up ended with exit 13 and no message.
  t.false(await speaksSsh('127.0.0.1', await serverThat((socket) => socket.end())));
  t.false(await speaksSsh('127.0.0.1', await serverThat((socket) => socket.destroy())));
});

test('an SSH banner is SSH; another protocol or a closed port is not', async (t) => {
  t.true(await speaksSsh('127.0.0.1', await serverThat((socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n'))));
  t.false(await speaksSsh('127.0.0.1', await serverThat((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))));
  const closed = await serverThat(() => undefined);
  await speaksSsh('127.0.0.1', closed);
  t.false(await speaksSsh('127.0.0.1', closed));
  t.false(await portTaken('127.0.0.1', closed));
});
