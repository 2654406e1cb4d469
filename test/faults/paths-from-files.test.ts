import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

// A path built from a file's content must stay in the folder it belongs in: a journal edited (or
// handed over) with "id": "../../package" replaced package.json on --resume.

const HOSTS = 'hosts:\n  local-a: { transport: local, cores: 1 }\n';
const SWEEP =
  'name: sweep\ndataset: { kind: synthetic, samples: 200, features: 4, informative: 2, classes: 2, seed: 1 }\nforest: { trees: 2, seed: 7 }\ncombinations: [[local-a]]\nruns: 1\nwarmup: 0\n';
const FIX =
  "put back the id bench wrote (the journal's file name without .jsonl), or start the sweep again without --resume";

const IDS: [string, string][] = [
  ['../../../escaped', `"../../../escaped" holds a '/' or '\\': it would name a file in another folder`],
  ['../../package', `"../../package" holds a '/' or '\\': it would name a file in another folder`],
  ['..\\..\\escaped', `"..\\\\..\\\\escaped" holds a '/' or '\\': it would name a file in another folder`],
  ['..', `".." starts with '.': it would name a hidden file, or a folder above ('..')`],
  ['.hidden', `".hidden" starts with '.': it would name a hidden file, or a folder above ('..')`],
  ['bell\u0007\nline', `"bell\\u0007\\nline" holds a control character`],
  ['', 'is empty'],
  ['x'.repeat(201), 'is 201 characters long (at most 200)'],
];

test('bench --resume of a journal whose id is not a plain name is refused, naming the line and field, and writes nothing anywhere', async (t) => {
  const folder = folderWith({
    'package.json': '{"name": "mine"}\n',
    'a/project/hosts.yaml': HOSTS,
    'a/project/sweep.yaml': SWEEP,
  });
  const project = join(folder, 'a/project');
  const args = ['bench', '-i', 'hosts.yaml', '-e', 'sweep.yaml', '--quiet'];
  const first = await cluster(args, project);
  t.is(first.exitCode, 0, first.stderr);
  const results = join(project, 'results');
  const before = readdirSync(results).sort();
  const journal = readFileSync(
    join(
      results,
      before.find((name) => name.endsWith('.jsonl'))!,
    ),
    'utf8',
  );
  const [start, ...rest] = journal.split('\n');
  for (const [i, [id]] of IDS.entries())
    writeFileSync(join(results, `edited-${i}.jsonl`), [JSON.stringify({...JSON.parse(start), id}), ...rest].join('\n'));

  const runs = await Promise.all(IDS.map((_, i) => cluster([...args, '--resume', `edited-${i}`], project)));
  for (const [i, run] of runs.entries()) {
    t.is(run.stderr, `Error: results/edited-${i}.jsonl:1: id: ${IDS[i][1]} (${FIX})\n`);
    t.is(run.exitCode, 2);
  }
  t.deepEqual(readdirSync(folder).sort(), ['a', 'package.json'], 'nothing escaped above the project');
  t.deepEqual(readdirSync(join(folder, 'a')), ['project']);
  t.deepEqual(readdirSync(project).sort(), ['hosts.yaml', 'results', 'sweep.yaml']);
  t.deepEqual(
    readdirSync(results).sort(),
    [...before, ...IDS.map((_, i) => `edited-${i}.jsonl`)].sort(),
    'no result file, no lock left',
  );
  t.is(readFileSync(join(folder, 'package.json'), 'utf8'), '{"name": "mine"}\n');
});
