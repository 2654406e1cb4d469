import test from 'ava';
import {DEFAULT_CONCURRENCY, mapBounded} from '../../src/transport/fan-out.js';

/** Work that waits until the test lets it go, counting how many run at once. */
function gate() {
  let running = 0;
  let most = 0;
  const waiting: (() => void)[] = [];
  let arrived: () => void = () => undefined;
  return {
    get most() {
      return most;
    },
    get waiting() {
      return waiting.length;
    },
    work: async (item: number) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        arrived();
      });
      running--;
      return item * 10;
    },
    /** Resolves once `count` items wait. */
    until: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (waiting.length >= count ? resolve() : undefined);
        arrived = check;
        check();
      }),
    /** Lets the item that has waited the longest go, or the newest. */
    release: (which: 'first' | 'last') => (which === 'first' ? waiting.shift() : waiting.pop())!(),
  };
}

test('never more than the limit at once, and results in the order of the items whatever order they finish in', async (t) => {
  const items = Array.from({length: 20}, (_, i) => i);
  const g = gate();
  const done = mapBounded(items, 3, g.work);
  for (let finished = 0; finished < items.length; finished++) {
    await g.until(Math.min(3, items.length - finished));
    t.is(g.waiting, Math.min(3, items.length - finished));
    g.release(finished % 2 === 0 ? 'last' : 'first');
  }
  t.deepEqual(
    await done,
    items.map((i) => i * 10),
  );
  t.is(g.most, 3);
});

test('a limit above the items starts them all; no items give no results', async (t) => {
  const g = gate();
  const done = mapBounded([1, 2], 8, g.work);
  await g.until(2);
  g.release('first');
  g.release('first');
  t.deepEqual(await done, [10, 20]);
  t.deepEqual(await mapBounded([], 3, g.work), []);
});

test('a failure rejects once the running items end, and starts nothing more', async (t) => {
  const g = gate();
  const started: number[] = [];
  const done = mapBounded([0, 1, 2, 3, 4, 5], 2, async (i) => {
    started.push(i);
    if (i === 1) throw new Error('host 1 failed');
    return g.work(i);
  });
  let settled = false;
  void done.catch(() => (settled = true));
  await g.until(1);
  // One turn of the event loop: item 1's failure has been seen by then.
  await new Promise(setImmediate);
  t.false(settled, 'item 0 still runs');
  g.release('first');
  const error = await t.throwsAsync(done);
  t.is(error?.message, 'host 1 failed');
  t.deepEqual(started, [0, 1]);
});

test("the default stays below OpenSSH's MaxStartups, which drops connections past 10 unauthenticated", (t) => {
  t.true(DEFAULT_CONCURRENCY >= 1 && DEFAULT_CONCURRENCY < 10);
});
