import test from 'ava';
import {RunStore, type StoreReply, type StoreRequest} from '../../../src/engine/torch/store.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

function ask(store: RunStore, request: StoreRequest): {answers: StoreReply[]} {
  const answers: StoreReply[] = [];
  store.handle(request, (reply) => answers.push(reply));
  return {answers};
}

test('a get waits for its key to be set, then answers with the value', (t) => {
  const store = new RunStore();
  const waiting = ask(store, {op: 'get', key: 'rank1/address'});
  t.deepEqual(waiting.answers, []);
  t.deepEqual(ask(store, {op: 'set', key: 'rank1/address', value: b64('10.0.0.2:4711')}).answers, [{}]);
  t.deepEqual(waiting.answers, [{value: b64('10.0.0.2:4711')}]);
});

test('wait answers once every key is set; check tells without waiting', (t) => {
  const store = new RunStore();
  const waiting = ask(store, {op: 'wait', keys: ['a', 'b']});
  ask(store, {op: 'set', key: 'a', value: b64('1')});
  t.deepEqual(waiting.answers, []);
  t.deepEqual(ask(store, {op: 'check', keys: ['a', 'b']}).answers, [{value: false}]);
  ask(store, {op: 'set', key: 'b', value: b64('2')});
  t.deepEqual(waiting.answers, [{}]);
  t.deepEqual(ask(store, {op: 'num_keys'}).answers, [{value: 2}]);
});

test('add counts as c10d does, the count held as text', (t) => {
  const store = new RunStore();
  t.deepEqual(ask(store, {op: 'add', key: 'n', amount: 1}).answers, [{value: 1}]);
  t.deepEqual(ask(store, {op: 'add', key: 'n', amount: 2}).answers, [{value: 3}]);
  t.deepEqual(ask(store, {op: 'get', key: 'n'}).answers, [{value: b64('3')}]);
});

test('compare_set sets only when the value is the expected one', (t) => {
  const store = new RunStore();
  t.deepEqual(ask(store, {op: 'compare_set', key: 'k', expected: '', desired: b64('x')}).answers, [{value: b64('x')}]);
  t.deepEqual(ask(store, {op: 'compare_set', key: 'k', expected: b64('y'), desired: b64('z')}).answers, [
    {value: b64('x')},
  ]);
  t.deepEqual(ask(store, {op: 'delete', key: 'k'}).answers, [{value: true}]);
});

test('a request that is not one of the store operations, or too large, is answered with an error', (t) => {
  const store = new RunStore();
  t.deepEqual(ask(store, {op: 'drop_all'} as unknown as StoreRequest).answers, [
    {error: 'unknown store operation "drop_all"'},
  ]);
  t.deepEqual(ask(store, {op: 'set', key: 'big', value: 'x'.repeat(2 << 20)}).answers, [
    {error: 'a store key or value is not a string of at most 1 MiB'},
  ]);
});
