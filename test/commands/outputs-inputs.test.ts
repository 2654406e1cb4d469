import {linkSync, readdirSync, readFileSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

// `train --data d.csv --out d.csv` replaced the data with the model, `predict --model m.bin --out
// m.bin` the model with predictions: an output that is an input of the same command is refused
// before any work, however the two are named (./d.csv, a link, a hard link).

const DATA = `a,b,y\n${Array.from({length: 40}, (_, i) => `${i},${(i * 7) % 5},${i % 2 ? 'odd' : 'even'}`).join('\n')}\n`;
const refusal = (out: string, outFlag: string, inFlag: string, input: string) =>
  `Error: ${outFlag}: '${out}' is the file given to ${inFlag} ('${input}'): writing it would replace that input (name another file for ${outFlag})\n`;

/** Every file of `folder` with its bytes, to show that none changed. */
function snapshot(folder: string): Record<string, string> {
  const files = readdirSync(folder, {recursive: true, withFileTypes: true}).filter((entry) => !entry.isDirectory());
  return Object.fromEntries(
    files
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
      .sort()
      .map((path) => [path, readFileSync(path, 'base64')]),
  );
}

test('train and predict refuse an --out that is one of their inputs, before any work, leaving the input as it was', async (t) => {
  const folder = folderWith({'d.csv': DATA, 't.csv': DATA});
  const trained = await cluster(
    ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1', '--out', 'm.bin'],
    folder,
  );
  t.is(trained.exitCode, 0, trained.stderr);
  symlinkSync('d.csv', join(folder, 'link.csv'));
  linkSync(join(folder, 'd.csv'), join(folder, 'hard.csv'));
  linkSync(join(folder, 'm.bin'), join(folder, 'hard.bin'));
  const before = snapshot(folder);
  const train = ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1'];
  const predict = ['predict', '--model', 'm.bin', '--data', 'd.csv'];
  const cases: [string[], string][] = [
    [[...train, '--out', 'd.csv'], refusal('d.csv', '--out', '--data', 'd.csv')],
    [[...train, '--out', './d.csv'], refusal('./d.csv', '--out', '--data', 'd.csv')],
    [[...train, '--out', join(folder, 'd.csv')], refusal(join(folder, 'd.csv'), '--out', '--data', 'd.csv')],
    [[...train, '--out', 'link.csv'], refusal('link.csv', '--out', '--data', 'd.csv')],
    [[...train, '--out', 'hard.csv'], refusal('hard.csv', '--out', '--data', 'd.csv')],
    [[...train, '--test', 't.csv', '--out', 't.csv'], refusal('t.csv', '--out', '--test', 't.csv')],
    [[...predict, '--out', 'm.bin'], refusal('m.bin', '--out', '--model', 'm.bin')],
    [[...predict, '--out', 'hard.bin'], refusal('hard.bin', '--out', '--model', 'm.bin')],
    [[...predict, '--out', 'd.csv'], refusal('d.csv', '--out', '--data', 'd.csv')],
    [[...predict, '--out', 'link.csv'], refusal('link.csv', '--out', '--data', 'd.csv')],
  ];
  const runs = await Promise.all(cases.map(([args]) => cluster(args, folder)));
  for (const [i, run] of runs.entries()) {
    t.is(run.stderr, cases[i][1], cases[i][0].join(' '));
    t.is(run.exitCode, 2);
    t.is(run.stdout, '', 'nothing was done');
  }
  t.deepEqual(snapshot(folder), before, 'every input is as it was');
});

test('train --hosts refuses an --out that is its inventory', async (t) => {
  const folder = folderWith({'d.csv': DATA, 'inventory.yaml': TWO_LOCAL_HOSTS});
  const run = await cluster(
    ['train', '--data', 'd.csv', '--target', 'y', '--hosts', 'local-a', '--out', 'inventory.yaml'],
    folder,
  );
  t.is(run.stderr, refusal('inventory.yaml', '--out', '--inventory', 'inventory.yaml'));
  t.is(run.exitCode, 2);
  t.is(readFileSync(join(folder, 'inventory.yaml'), 'utf8'), TWO_LOCAL_HOSTS);
});

test('bench refuses an export that is its experiment, its inventory, its data CSV or (resuming) a hard link of its journal', async (t) => {
  const experiment = smallExperiment({
    dataset: '{ kind: csv, path: ../d.csv, target: y }',
    forest: '{ trees: 2, seed: 7 }',
  });
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': experiment, 'd.csv': DATA});
  const first = await cluster(['bench', '--quiet'], folder);
  t.is(first.exitCode, 0, first.stderr);
  const journal = readdirSync(join(folder, 'results')).find((name) => name.endsWith('.jsonl'))!;
  linkSync(join(folder, 'results', journal), join(folder, 'copy.jsonl'));
  const before = snapshot(folder);
  const data = join(folder, 'd.csv');
  const cases: [string[], string][] = [
    [
      ['--export-csv', 'experiments/local.yaml'],
      refusal('experiments/local.yaml', '--export-csv', '--experiment', 'experiments/local.yaml'),
    ],
    [['--export-json', 'inventory.yaml'], refusal('inventory.yaml', '--export-json', '--inventory', 'inventory.yaml')],
    [
      ['--export-markdown', 'd.csv'],
      refusal('d.csv', '--export-markdown', 'dataset.path of experiments/local.yaml', data),
    ],
    [
      ['--resume', journal.slice(0, -'.jsonl'.length), '--export-json', 'copy.jsonl'],
      `Error: --export-json: 'copy.jsonl' is the sweep's journal, which no export may replace (name a file outside what the sweep keeps in results)\n`,
    ],
  ];
  const runs = await Promise.all(cases.map(([args]) => cluster(['bench', '--quiet', ...args], folder)));
  for (const [i, run] of runs.entries()) {
    t.is(run.stderr, cases[i][1], cases[i][0].join(' '));
    t.is(run.exitCode, 2);
    t.is(run.stdout, '', 'nothing was run');
  }
  t.deepEqual(snapshot(folder), before, 'every input is as it was');
});
