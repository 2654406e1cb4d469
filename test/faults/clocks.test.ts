import {createServer, connect, type Socket} from 'node:net';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import type {Host} from '../../src/config/inventory.js';
import {trainForest} from '../../src/coordinator/train-forest.js';
import {WorkerSet} from '../../src/coordinator/worker-set.js';
import {hashDataset} from '../../src/data/dataset.js';
import {makeClassification} from '../../src/data/synthetic.js';
import {progressPrinter} from '../../src/report/progress.js';
import {scheduleNamed} from '../../src/schedule/schedules.js';
import {folderWith} from '../helpers/files.js';

// Steps of the wall clock (NTP, a VM resumed, an admin's `date -s`): every timer, deadline and
// schedule runs on a monotonic clock, so none of them freezes, fires early or goes unnoticed.
const RELAY = fileURLToPath(new URL('../../src/lab/relay.js', import.meta.url));
const HOUR = 3_600_000;
// A wall clock that steps an hour back every time it is read.
const BACKWARDS_CLOCK = `const real = Date.now; let steps = 0; Date.now = () => real() - ${HOUR} * steps++;\n`;

/** An echo server on a free port of 127.0.0.1. */
async function echoServer(): Promise<{port: number; close: () => void}> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {port: (server.address() as {port: number}).port, close: () => server.close()};
}

/** Writes `text` and resolves with the milliseconds until it has all come back. */
function roundTrip(socket: Socket, text: string): Promise<number> {
  const started = performance.now();
  return new Promise((back) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.length < text.length) return;
      socket.off('data', onData);
      back(performance.now() - started);
    };
    socket.on('data', onData);
    socket.write(text);
  });
}

test('the lab relay keeps delivering, at its latency, while the wall clock steps back', async (t) => {
  t.timeout(30_000, 'the relay froze: it schedules by the wall clock');
  const echo = await echoServer();
  const preload = join(folderWith({'backwards-clock.mjs': BACKWARDS_CLOCK}), 'backwards-clock.mjs');
  const relay = execa(
    process.execPath,
    ['--import', preload, RELAY, '127.0.0.1', '0', '127.0.0.1', String(echo.port), '20', '0', '0'],
    {stdin: 'ignore', reject: false},
  );
  try {
    const port = await new Promise<number>((listening) =>
      relay.stdout!.once('data', (chunk: Buffer) => listening(Number(/:(\d+)/.exec(chunk.toString())![1]))),
    );
    const socket = connect(port, '127.0.0.1');
    try {
      for (const text of ['one', 'two', 'three']) {
        const ms = await roundTrip(socket, text);
        // 20 ms each way, twice: never less, whatever the wall clock says.
        t.true(ms >= 40 * 0.95, `${text}: round trip ${ms.toFixed(1)} ms through a 2 x 20 ms link`);
      }
    } finally {
      socket.destroy();
    }
  } finally {
    relay.kill();
    await relay;
    echo.close();
  }
});

test('a host that goes silent is found silent although the wall clock stepped back', async (t) => {
  // Before, silence was measured on the wall clock: an hour back, and the silent host was waited on for an hour.
  t.timeout(120_000, 'the silent host was never noticed');
  const local = (name: string): Host => ({name, transport: 'local', cores: 1, labels: []});
  const dataset = makeClassification({samples: 400, features: 8, informative: 4, classes: 2, seed: 3});
  const workers = await WorkerSet.open([local('a'), local('b')], 3000);
  const realNow = Date.now;
  const stopped: number[] = [];
  try {
    const [, victim] = workers.get(['a', 'b']);
    const hosts = workers.get(['a', 'b']);
    const run = await trainForest({
      workers: hosts,
      dataset,
      datasetHash: hashDataset(dataset),
      options: {trainer: 'ml-random-forest', maxFeatures: 'sqrt'},
      trees: 30,
      forestSeed: 5,
      schedule: scheduleNamed('static-cores')({hosts: hosts.map((w) => w.host), trees: 30}),
      onTree: (done) => {
        if (done !== 3) return;
        stopped.push(victim.info!.pid);
        process.kill(victim.info!.pid, 'SIGSTOP');
        Date.now = () => realNow() - HOUR;
      },
    });
    t.like(run.faults[0], {host: 'b', reason: 'silent'});
    t.is(run.trees.filter(Boolean).length, 30);
  } finally {
    Date.now = realNow;
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    await workers.close();
  }
});

test('progress counts elapsed time on a monotonic clock: a step back never shows a negative time', (t) => {
  const written: string[] = [];
  const stream = {
    isTTY: false,
    columns: 80,
    write: (text: string) => written.push(text),
  } as unknown as NodeJS.WriteStream;
  const realNow = Date.now;
  let steps = 0;
  Date.now = () => realNow() - HOUR * steps++;
  try {
    const printer = progressPrinter(stream);
    const at = (done: number) => ({
      combination: 1,
      combinations: 1,
      hardware: 'pi',
      cores: 1,
      run: 1,
      warmups: 0,
      runs: 1,
      warmup: false,
      done,
      total: 2,
      later: [],
    });
    printer.update(at(0));
    printer.update(at(2));
  } finally {
    Date.now = realNow;
  }
  t.regex(written[0], /^\[1\/1\] pi: run 1\/1 done in 0\.\d s; 0 s elapsed, ~0 s left\n$/);
});
