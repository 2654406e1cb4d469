import test from 'ava';
import {encodeFrame, FrameDecoder, FrameError} from '../../src/protocol/framing.js';
import {Random} from '../../src/data/random.js';

test('frames survive any split of the byte stream', (t) => {
  const body = Uint8Array.from({length: 5000}, (_, i) => i % 251);
  const stream = Buffer.concat([
    ...encodeFrame({type: 'a', n: 1}),
    ...encodeFrame({type: 'b'}, [body]),
    ...encodeFrame({type: 'c', text: 'é'}, [new Uint8Array([0, 255])]),
  ]);
  const random = new Random(3);
  for (let attempt = 0; attempt < 50; attempt++) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let at = 0; at < stream.length;) {
      const size = 1 + random.int(700);
      frames.push(...decoder.push(stream.subarray(at, at + size)));
      at += size;
    }
    t.deepEqual(
      frames.map((f) => f.header),
      [{type: 'a', n: 1}, {type: 'b'}, {type: 'c', text: 'é'}],
    );
    t.deepEqual(Buffer.from(frames[1].body), Buffer.from(body));
    t.deepEqual([...frames[2].body], [0, 255]);
    t.is(decoder.pending, 0);
  }
});

test('bodies start 8-byte aligned; a large frame arrives in shared memory, its parts joined', (t) => {
  const doubles = Float64Array.from({length: 200_000}, (_, i) => i / 3);
  const tail = new Uint8Array([1, 2, 3]);
  const decoder = new FrameDecoder();
  const frames = [];
  for (const part of encodeFrame({type: 'dataset', note: 'odd length'}, [new Uint8Array(doubles.buffer), tail])) {
    for (let at = 0; at < part.length; at += 65536)
      frames.push(...decoder.push(Buffer.from(part.buffer, part.byteOffset + at, Math.min(65536, part.length - at))));
  }
  t.is(frames.length, 1);
  const {body} = frames[0];
  t.true(body.buffer instanceof SharedArrayBuffer);
  t.is(body.byteOffset % 8, 0);
  t.deepEqual(new Float64Array(body.buffer, body.byteOffset, doubles.length), doubles);
  t.deepEqual([...body.subarray(doubles.byteLength)], [1, 2, 3]);
  t.is(decoder.pending, 0);
});

test('a stream that is not the protocol is refused, not buffered forever', (t) => {
  const decoder = new FrameDecoder();
  t.throws(() => decoder.push(Buffer.from('Welcome to Ubuntu 22.04 LTS\n')), {
    instanceOf: FrameError,
    message:
      "bad frame length 1466264675 ('Welc', text where a frame should start): the stream is not the cluster protocol",
  });
  t.throws(() => new FrameDecoder().push(Buffer.from('Last login: Sat Dec  5')), {
    instanceOf: FrameError,
    message:
      "bad frame length 1281454964 ('Last', text where a frame should start): the stream is not the cluster protocol",
  });
  t.throws(() => new FrameDecoder().push(Buffer.from([0xff, 0xff, 0xff, 0xff])), {
    instanceOf: FrameError,
    message: 'bad frame length 4294967295: the stream is not the cluster protocol',
  });
});

test('a header that is not JSON is refused', (t) => {
  const frame = Buffer.alloc(12);
  frame.writeUInt32BE(8, 0);
  frame.writeUInt32BE(4, 4);
  frame.write('nope', 8);
  t.throws(() => new FrameDecoder().push(frame), {instanceOf: FrameError, message: 'frame header is not JSON'});
});
