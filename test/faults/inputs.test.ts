import {execFileSync} from 'node:child_process';
import {mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import anyTest, {type TestFn} from 'ava';
import {Random} from '../../src/data/random.js';
import {endsCleanly, startCluster} from '../helpers/faults.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../helpers/files.js';

// Every file the CLI reads, given what it is not: random bytes, an endless device, a folder, an
// empty file, half of a real one. Each must end with exit 2, one line that starts with the file's
// name, no stack trace, no process left, and nothing read without bound.
const test = anyTest as TestFn;

const GOOD_CSV =
  ['a,b,y', ...Array.from({length: 60}, (_, i) => `${i % 7},${(i * 3) % 11},${i % 2 ? 'odd' : 'even'}`)].join('\n') +
  '\n';
const EXPERIMENT =
  'name: e\ndataset: { kind: synthetic, samples: 200, features: 4, informative: 2, classes: 2, seed: 1 }\nforest: { trees: 2 }\ncombinations: [[local-a]]\nruns: 1\nwarmup: 0\n';

const randomBytes = (seed: number, length: number) => {
  const random = new Random(seed);
  return Buffer.from(Array.from({length}, () => random.nextUint32() & 0xff));
};

/** What a file argument is given instead of the right file; `path` is where it lies in the folder, or a device. */
const GARBAGE: Record<string, (folder: string, good: Buffer, ext: string) => string> = {
  'random bytes': (folder, _, ext) => write(folder, `garbage${ext}`, randomBytes(7, 3000)),
  'an endless device': () => '/dev/zero',
  // Opening a FIFO nobody writes to would block the process for good, Ctrl-C included.
  'a pipe nobody writes to': (folder, _, ext) => (execFileSync('mkfifo', [join(folder, `fifo${ext}`)]), `fifo${ext}`),
  'a folder': (folder, _, ext) => (mkdirSync(join(folder, `a-folder${ext}`)), `a-folder${ext}`),
  'an empty file': (folder, _, ext) => write(folder, `empty${ext}`, Buffer.alloc(0)),
  'the first half of a good one': (folder, good, ext) =>
    write(folder, `half${ext}`, good.subarray(0, good.length >> 1)),
};

function write(folder: string, name: string, bytes: Buffer): string {
  writeFileSync(join(folder, name), bytes);
  return name;
}

/** Each command's file argument, with the good file it expects (the garbage replaces it). */
const READERS: {name: string; ext: string; good: (folder: string) => Buffer; args: (file: string) => string[]}[] = [
  {
    name: 'bench --experiment',
    ext: '.yaml',
    good: () => Buffer.from(EXPERIMENT),
    args: (file) => ['bench', '-i', 'inventory.yaml', '-e', file],
  },
  {
    name: 'bench --inventory',
    ext: '.yaml',
    good: () => Buffer.from(TWO_LOCAL_HOSTS),
    args: (file) => ['bench', '-i', file, '-e', 'e.yaml'],
  },
  {
    name: 'status --inventory',
    ext: '.yaml',
    good: () => Buffer.from(TWO_LOCAL_HOSTS),
    args: (file) => ['status', '-i', file],
  },
  {
    name: 'train --data',
    ext: '.csv',
    good: () => Buffer.from(GOOD_CSV),
    args: (file) => ['train', '-i', 'inventory.yaml', '--data', file, '--target', 'y', '--out', 'm.model'],
  },
  {
    name: 'predict --model',
    ext: '.model',
    good: (folder) => readFileSync(join(folder, 'good.model')),
    args: (file) => ['predict', '--model', file, '--data', 'good.csv'],
  },
  {
    name: 'predict --data',
    ext: '.csv',
    good: () => Buffer.from(GOOD_CSV),
    args: (file) => ['predict', '--model', 'good.model', '--data', file],
  },
  {
    name: 'analyze',
    ext: '.csv',
    good: () => Buffer.from('hardware,measured_s\n"1 x Pi",900\n"2 x Pi",460\n'),
    args: (file) => ['analyze', file],
  },
];

/** One folder with the good files, and a model trained once for the predict cases. */
const base = (async () => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'e.yaml': EXPERIMENT, 'good.csv': GOOD_CSV});
  const trained = await startCluster(
    ['train', '-i', 'inventory.yaml', '--data', 'good.csv', '--target', 'y', '--trees', '3', '--out', 'good.model'],
    folder,
  );
  if (trained.exitCode !== 0) throw new Error(`training the model for the predict cases failed: ${trained.stderr}`);
  return folder;
})();

function copyOf(folder: string): string {
  const copy = folderWith();
  for (const name of readdirSync(folder)) writeFileSync(join(copy, name), readFileSync(join(folder, name)));
  return copy;
}

for (const reader of READERS) {
  for (const [garbage, place] of Object.entries(GARBAGE)) {
    // A CSV of rows to predict cut anywhere is a CSV of fewer rows (its last one may be left with a
    // blank label, which predict reads as a row to predict): it is predicted, not refused.
    if (reader.name === 'predict --data' && garbage === 'the first half of a good one') {
      test('predict --data given the first half of a good one: its rows are predicted', async (t) => {
        const folder = copyOf(await base);
        const file = place(folder, reader.good(folder), reader.ext);
        const result = await startCluster(reader.args(file), folder);
        t.is(result.exitCode, 0, String(result.stderr));
        t.is(
          String(result.stdout).trim().split('\n').length,
          readFileSync(join(folder, file), 'utf8').trim().split('\n').length - 1,
        );
      });
      continue;
    }
    test(`${reader.name} given ${garbage}: exit 2, one line naming the file`, async (t) => {
      const folder = copyOf(await base);
      const file = place(folder, reader.good(folder), reader.ext);
      const message = await endsCleanly(t, startCluster(reader.args(file), folder), 2);
      t.true(message.startsWith(`${file}`), message);
    });
  }
}

test('a model with one bit flipped anywhere is refused, never predicted from', async (t) => {
  const folder = copyOf(await base);
  const model = readFileSync(join(folder, 'good.model'));
  for (const at of [9, 30, model.length >> 2, model.length >> 1, model.length - 3]) {
    const flipped = Buffer.from(model);
    flipped[at] ^= 0x04;
    writeFileSync(join(folder, 'flipped.model'), flipped);
    const message = await endsCleanly(
      t,
      startCluster(['predict', '--model', 'flipped.model', '--data', 'good.csv'], folder),
      2,
    );
    t.regex(message, /^flipped\.model: .*\(pass a file written by cluster train --out\)$/, `bit flipped at byte ${at}`);
  }
});

// The SSH side's files: a host's identity file and the inventory's known_hosts, named as a pipe or
// an endless device, are refused by name before any connection is tried.
const sshInventory = (identityFile: string, knownHosts: string) =>
  `knownHosts: ${knownHosts}\nhosts:\n  pi:\n    transport: ssh\n    address: 127.0.0.1\n    port: 1\n    user: nobody\n    cores: 1\n    identityFile: ${identityFile}\n`;

for (const [what, file] of [
  ['a pipe nobody writes to', 'fifo'],
  ['an endless device', 'zero'],
] as const) {
  for (const field of ['identityFile', 'knownHosts'] as const) {
    test(`status with ${field} naming ${what}: exit 2, one line naming it`, async (t) => {
      const folder = folderWith({id_ed25519: 'not read\n'});
      execFileSync('mkfifo', [join(folder, 'fifo')]);
      symlinkSync('/dev/zero', join(folder, 'zero'));
      writeFileSync(
        join(folder, 'inventory.yaml'),
        field === 'identityFile' ? sshInventory(file, 'known_hosts') : sshInventory('id_ed25519', file),
      );
      const message = await endsCleanly(t, startCluster(['status', '-i', 'inventory.yaml'], folder), 2);
      t.regex(message, new RegExp(`^(${folder}/)?${file}: `), message);
    });
  }
}
