import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {paste} from '../helpers/faults.js';
import {folderWith} from '../helpers/files.js';

const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));

/** The EXAMPLES of a command's help, as the lines a user would paste (`$ ` dropped). */
async function examples(command: string, folder: string): Promise<string[]> {
  const help = await cluster([command, '--help'], folder);
  const section = help.stdout.split('EXAMPLES\n')[1] ?? '';
  return section
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('$ '))
    .map((line) => line.slice(2));
}

// In a global install's `cluster init` folder, the examples named inventory.example.yaml and
// experiments/paper-table1-results.csv, which are not there: every file an example reads must be here or shipped.
test('the examples of bench and analyze name files that exist in an init folder or in the package', async (t) => {
  const folder = folderWith({});
  t.is((await cluster(['init'], folder)).exitCode, 0);
  for (const command of ['bench', 'analyze']) {
    const lines = await examples(command, folder);
    t.true(lines.length > 0, command);
    for (const line of lines) {
      const words = line.split(/\s+/);
      const read = words.filter((word, i) => /\.(ya?ml|csv)$/.test(word) && !/^--export-/.test(words[i - 1] ?? ''));
      // An inventory is read from here only; results and experiments may also be the package's.
      for (const file of read)
        t.true(
          existsSync(join(folder, file)) ||
            (words[words.indexOf(file) - 1] !== '--inventory' && existsSync(join(PACKAGE, file))),
          `${line}: ${file}`,
        );
    }
  }
});

test("analyze's example, pasted in an init folder, runs on the shipped results", async (t) => {
  const folder = folderWith({});
  t.is((await cluster(['init'], folder)).exitCode, 0);
  const [example] = await examples('analyze', folder);
  t.is(example, 'cluster analyze experiments/paper-table1-results.csv');
  const pasted = await paste(example, folder, 'analyze-example');
  t.is(pasted.exitCode, 0, pasted.stderr);
  t.regex(pasted.stdout, /raspberry-pi/i);
});

test("help lists the commands and shows a command's examples", async (t) => {
  const folder = folderWith();
  const help = await cluster(['help'], folder);
  t.is(help.exitCode, 0, help.stderr);
  t.regex(help.stdout, /^ {2}bench +Train the forest on each combination/m);
  t.regex(help.stdout, /^ {2}lab +A virtual cluster on this machine/m);
  const bench = await cluster(['help', 'bench'], folder);
  t.is(bench.exitCode, 0, bench.stderr);
  t.regex(bench.stdout, /^EXAMPLES\n {2}\$ cluster bench\n/m);
  t.regex((await cluster(['help', 'lab', 'up'], folder)).stdout, /\$ cluster lab up \[--json\]/);
});

test('every command has examples in its --help', async (t) => {
  const folder = folderWith();
  for (const command of [
    ['bench'],
    ['init'],
    ['train'],
    ['predict'],
    ['provision'],
    ['status'],
    ['lab', 'up'],
    ['lab', 'down'],
    ['lab', 'status'],
  ]) {
    const result = await cluster([...command, '--help'], folder);
    t.regex(result.stdout, new RegExp(`EXAMPLES\\n {2}(\\$ )?(sudo )?cluster ${command.join(' ')}`), command.join(' '));
  }
});
