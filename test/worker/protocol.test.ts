import test from 'ava';
import {FramedConnection, type Message} from '../../src/protocol/connection.js';
import {type FromWorker, PROTOCOL_VERSION, type ToWorker} from '../../src/protocol/messages.js';
import {localTransport} from '../../src/transport/local.js';

/** The real worker, spoken to frame by frame as a hostile or buggy coordinator could. */
async function worker() {
  const process = await localTransport.start({name: 'w', transport: 'local', cores: 1, labels: []});
  const waiting: ((message: Message<FromWorker>) => boolean)[] = [];
  const connection = new FramedConnection<FromWorker, ToWorker>(
    process.output,
    process.input,
    (message) => {
      const index = waiting.findIndex((wants) => wants(message));
      if (index >= 0) waiting.splice(index, 1);
    },
    () => undefined,
  );
  /** The next message of one of these types (heartbeats are skipped). */
  const next = (...types: FromWorker['type'][]) =>
    new Promise<FromWorker>((resolve) =>
      waiting.push((m) => types.includes(m.header.type) && (resolve(m.header), true)),
    );
  return {connection, next, stop: () => process.stop()};
}

/** Two rows of one feature, with the given labels. */
function dataset(hash: string, labels: number[], classes: number): [ToWorker, Uint8Array, Uint8Array] {
  const values = new Float64Array(labels.map((_, i) => i));
  return [
    {type: 'dataset', hash, rows: labels.length, features: 1, classes},
    new Uint8Array(values.buffer),
    new Uint8Array(Int32Array.from(labels).buffer),
  ];
}

const refusesLabels = test.macro(async (t, labels: number[], classes: number, message: string) => {
  const w = await worker();
  try {
    await w.connection.send({type: 'hello', version: PROTOCOL_VERSION});
    await w.next('ready');
    const [header, ...body] = dataset('bad', labels, classes);
    const answer = w.next('error', 'dataset-status');
    await w.connection.send(header, ...body);
    t.deepEqual(await answer, {type: 'error', message});
    // The data set was not kept: no tree is trained on it.
    const trained = w.next('error', 'tree');
    await w.connection.send({
      type: 'train',
      run: 1,
      datasetHash: 'bad',
      options: {trainer: 'native', maxFeatures: 'sqrt'},
      trees: [{index: 0, seed: 1}],
    });
    t.like(await trained, {type: 'error', run: 1, index: 0, message: 'data set bad is not cached here'});
  } finally {
    await w.stop();
  }
});

test(
  'the worker refuses a label at or above classes',
  refusesLabels,
  [0, 2],
  2,
  'data set refused: row 2 has label 2, outside the 2 classes (0 to 1)',
);
test(
  'the worker refuses a negative label',
  refusesLabels,
  [-1, 0],
  2,
  'data set refused: row 1 has label -1, outside the 2 classes (0 to 1)',
);

test('the worker trains on labels inside classes', async (t) => {
  const w = await worker();
  try {
    await w.connection.send({type: 'hello', version: PROTOCOL_VERSION});
    await w.next('ready');
    const [header, ...body] = dataset('good', [0, 1, 0, 1], 2);
    const answer = w.next('error', 'dataset-status');
    await w.connection.send(header, ...body);
    t.like(await answer, {type: 'dataset-status', hash: 'good', cached: true});
    const trained = w.next('error', 'tree');
    await w.connection.send({
      type: 'train',
      run: 1,
      datasetHash: 'good',
      options: {trainer: 'native', maxFeatures: 'sqrt'},
      trees: [{index: 0, seed: 1}],
    });
    t.like(await trained, {type: 'tree', run: 1, index: 0});
  } finally {
    await w.stop();
  }
});

test(
  'the worker refuses a data set whose shape is not whole numbers',
  refusesLabels,
  [0, 1],
  2.5,
  'data set refused: rows 2, features 1 and classes 2.5 must be positive integers',
);
