import {randomBytes} from 'node:crypto';
import {connect as connectTcp} from 'node:net';
import {connect as connectTls} from 'node:tls';
import test from 'ava';
import {RingMember} from '../../src/worker/ring.js';

const RUN = 7;

/** `size` members on the loopback with one key, formed into generation 1. */
async function ringOf(size: number, key = randomBytes(32)): Promise<RingMember[]> {
  const members = await Promise.all(Array.from({length: size}, () => RingMember.listen(RUN, key, '127.0.0.1')));
  await Promise.all(members.map((member, rank) => member.form(1, rank, size, members[(rank + 1) % size].address())));
  return members;
}

/** Integers as float64, the way the gradients' fixed-point sums travel. */
function vectorOf(host: number, length: number): Float64Array {
  return Float64Array.from({length}, (_, i) => (host + 1) * 1_000_003 + i * (host % 2 === 0 ? 7 : -11));
}

test('a ring of 2 to 5 hosts leaves every host the exact sum, whatever the vector length (shorter than the ring too)', async (t) => {
  for (const size of [2, 3, 5])
    for (const length of [1, 3, 10, 1001]) {
      const members = await ringOf(size);
      try {
        const vectors = members.map((_, host) => vectorOf(host, length));
        const expected = Float64Array.from({length}, (_, i) => vectors.reduce((sum, v) => sum + v[i], 0));
        await Promise.all(members.map((member, host) => member.reduce(vectors[host], 0)));
        for (const vector of vectors) t.deepEqual(vector, expected, `${size} hosts, ${length} values`);
        // A second step over the same links.
        const again = members.map((_, host) => vectorOf(host, length));
        await Promise.all(members.map((member, host) => member.reduce(again[host], 1)));
        t.deepEqual(again[0], expected);
      } finally {
        for (const member of members) member.close();
      }
    }
});

test('the listener is on the one address it was given, and a stranger without the run key cannot join', async (t) => {
  const members = await ringOf(2);
  try {
    const {address, port} = members[0].address();
    t.is(address, '127.0.0.1');
    // A TLS client with another key fails the handshake.
    const refused = await new Promise<string>((resolve) => {
      const socket = connectTls({
        host: address,
        port,
        ciphers: 'ECDHE-PSK-CHACHA20-POLY1305:PSK-CHACHA20-POLY1305',
        maxVersion: 'TLSv1.2',
        checkServerIdentity: () => undefined,
        pskCallback: () => ({psk: randomBytes(32), identity: `cluster-ring-${RUN}`}),
      });
      socket.on('secureConnect', () => resolve('connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    t.not(refused, 'connected');
    // Plain bytes that pose as a ring frame: the handshake fails, the connection is closed.
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connectTcp(port, address, () =>
        socket.write(Buffer.from('\u0000\u0000\u0000\u0030{"type":"ring-hello","generation":1,"rank":1}')),
      );
      socket.on('close', () => resolve(true));
      socket.on('error', () => undefined);
    });
    t.true(closed);
    // The ring still sums.
    const vectors = [vectorOf(0, 5), vectorOf(1, 5)];
    await Promise.all(members.map((member, host) => member.reduce(vectors[host], 0)));
    t.deepEqual(vectors[0], vectors[1]);
  } finally {
    for (const member of members) member.close();
  }
});

test("a host of the ring that goes away fails its neighbours' reduction at once; an abort fails it too", async (t) => {
  const members = await ringOf(3);
  try {
    members[1].close();
    const error = await t.throwsAsync(members[0].reduce(vectorOf(0, 9), 0));
    t.regex(error!.message, /host of the ring went away|the run ended/);
    const waiting = members[2].reduce(vectorOf(2, 9), 0);
    members[2].abort(1, 'b was lost');
    await t.throwsAsync(waiting, {message: /b was lost|went away/});
  } finally {
    for (const member of members) member.close();
  }
});
