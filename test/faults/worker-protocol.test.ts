import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa, type ResultPromise} from 'execa';
import {Random} from '../../src/data/random.js';
import {encodeFrame, FrameDecoder, type Frame} from '../../src/protocol/framing.js';

// Garbage on the worker protocol, sent to the real worker bundle: a stream that is not the
// protocol ends the worker with one line on stderr; a well-framed message that makes no sense gets
// an error reply and the worker keeps serving; and whatever the bytes, the worker ends when its
// input closes (no orphan on a host).
const WORKER = fileURLToPath(new URL('../../worker.mjs', import.meta.url));

function startWorker() {
  const child = execa(process.execPath, [WORKER, '--cores', '1'], {
    reject: false,
    buffer: {stdout: false},
    stripFinalNewline: false,
  });
  const decoder = new FrameDecoder();
  const replies: Frame['header'][] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) if (frame.header.type !== 'heartbeat') replies.push(frame.header);
  });
  return {child, replies};
}

const frame = (header: Frame['header'], body: Uint8Array[] = []) => Buffer.concat(encodeFrame(header, body));

/** Bytes that claim a frame length, and a header length, that cannot be. */
function badLengths(frameLength: number, headerLength: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32BE(frameLength, 0);
  bytes.writeUInt32BE(headerLength, 4);
  return bytes;
}

async function endsWithOneLine(t: import('ava').ExecutionContext, child: ResultPromise, pattern: RegExp) {
  const result = await child;
  t.is(result.exitCode, 1);
  const lines = String(result.stderr).trimEnd().split('\n');
  t.is(lines.length, 1, String(result.stderr));
  t.regex(lines[0], pattern);
}

test('a frame longer than any data set: the worker ends with one line', async (t) => {
  const {child} = startWorker();
  child.stdin!.write(badLengths(0xffffffff, 4));
  await endsWithOneLine(
    t,
    child,
    /^cluster-worker: bad frame length 4294967295: the stream is not the cluster protocol$/,
  );
});

test('a header longer than its frame: the worker ends with one line', async (t) => {
  const {child} = startWorker();
  child.stdin!.write(Buffer.concat([badLengths(12, 100), Buffer.alloc(8)]));
  await endsWithOneLine(t, child, /^cluster-worker: bad header length 100$/);
});

test('a header that is not JSON: the worker ends with one line', async (t) => {
  const {child} = startWorker();
  child.stdin!.write(Buffer.concat([badLengths(12, 8), Buffer.from('{{{{{{{{')]));
  await endsWithOneLine(t, child, /^cluster-worker: frame header is not JSON$/);
});

const NONSENSE: [string, Buffer, RegExp][] = [
  ['an unknown message type', frame({type: 'launch-missiles'}), /^unknown message type "launch-missiles"$/],
  [
    'a train order with no trees',
    frame({type: 'train', run: 'x', trees: 'y'}),
    /^a train order that is not well formed/,
  ],
  [
    'a train order for a data set never sent',
    frame({
      type: 'train',
      run: 1,
      datasetHash: 'f00d',
      options: {trainer: 'native', maxFeatures: 'sqrt'},
      trees: [{index: 0, seed: 1}],
    }),
    /^data set f00d is not cached here$/,
  ],
  [
    'a data set whose body is not its rows',
    frame({type: 'dataset', hash: 'h', rows: 1000, features: 20, classes: 2}, [Buffer.alloc(16)]),
    /^data set body has 16 bytes, expected 164000$/,
  ],
];

for (const [what, bytes, message] of NONSENSE) {
  test(`${what}: an error reply, and the worker still answers`, async (t) => {
    const {child, replies} = startWorker();
    child.stdin!.write(bytes);
    child.stdin!.write(frame({type: 'hello', version: 2}));
    // Replies come in order: the error, then ready.
    while (!replies.some((reply) => reply.type === 'ready')) await once(child.stdout!, 'data');
    const [error] = replies;
    t.is(error.type, 'error', JSON.stringify(replies));
    t.regex(String(error.message), message);
    child.stdin!.end();
    t.is((await child).exitCode, 0);
  });
}

test('random bytes, 20 seeds: the worker never hangs once its input closes, and never prints a stack trace', async (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const random = new Random(seed);
    const bytes = Buffer.from(
      Array.from({length: 64 + (random.nextUint32() % 4096)}, () => random.nextUint32() & 0xff),
    );
    const {child} = startWorker();
    child.stdin!.end(bytes);
    const result = await child;
    t.true(result.exitCode === 0 || result.exitCode === 1, `seed ${seed}: exit ${result.exitCode}`);
    t.true(String(result.stderr).trimEnd().split('\n').length <= 1, `seed ${seed}: ${result.stderr}`);
    t.notRegex(String(result.stderr), /^\s+at /m, `seed ${seed}`);
  }
});
