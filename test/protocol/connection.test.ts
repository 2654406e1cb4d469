import {PassThrough, Writable} from 'node:stream';
import test from 'ava';
import {FramedConnection} from '../../src/protocol/connection.js';

// A worker sending trees faster than a busy coordinator reads them: sends queue behind one drain.
test('sends waiting for a full stream share one drain listener, and all resolve once it drains', async (t) => {
  const held: (() => void)[] = [];
  const output = new Writable({highWaterMark: 16, write: (_chunk, _encoding, done) => void held.push(done)});
  const connection = new FramedConnection<{type: string}, {type: string}>(
    new PassThrough(),
    output,
    () => undefined,
    () => undefined,
  );
  const sends = Array.from({length: 20}, (_, i) => connection.send({type: `tree-${i}`}));
  t.is(
    output.listenerCount('drain'),
    1,
    'one listener, however many sends wait (eleven drew a MaxListenersExceededWarning)',
  );
  // Let every write through: the stream drains and every send resolves.
  while (held.length > 0) held.shift()!();
  await Promise.all(sends);
  t.is(output.listenerCount('drain'), 0);
});
