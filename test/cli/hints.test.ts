import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Parser} from '@oclif/core';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

// Every command line the tool prints in a message (found by grepping the sources for `cluster `),
// with its placeholders filled, is a command that exists with flags and arguments it takes: parsed by
// the command's own oclif definitions. The hints that run in a bare folder are run there too.
const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const COMMANDS = fileURLToPath(new URL('../../src/commands/', import.meta.url));

/** What each placeholder of a hint stands for when a user sees it. */
const SAMPLES: Record<string, string> = {
  '${inventoryFlag(host)}': ' --inventory hosts.yaml',
  '${shellQuote(host.name)}': 'pi-1',
  '${shellQuote(dir)}': '.cluster-lab',
  '${shellQuote(dirname(host.inventoryFile))}': '.cluster-lab',
  '${printable(flags.dir)}': '.cluster-lab',
  '${jsonFile}': 'results/local-2026.json',
  '${id}': 'local-2026',
  '<id>': 'local-2026',
  FILE: 'model.bin',
  DIR: 'my-cluster',
};
/** Where a hint's command line ends and the sentence goes on. */
const PROSE = new Set([
  'in',
  'from',
  'or',
  'and',
  'to',
  'then',
  'writes',
  'is',
  'runs',
  'says',
  'with',
  'for',
  'extra',
  'here',
]);

interface Hint {
  file: string;
  line: number;
  words: string[];
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, {recursive: true, encoding: 'utf8'})
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name));
}

/** The command lines in the sources' strings (comments left out), placeholders filled. */
function hints(): Hint[] {
  const found: Hint[] = [];
  for (const file of sourceFiles(SRC)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, at) => {
        if (/^\s*(\/\/|\*|\/\*\*)/.test(text)) return;
        for (const match of text.matchAll(
          /\bcluster ((?:lab )?(?:bench|train|predict|status|provision|analyze|init|help|up|down)\b[^`'"\\]*)/g,
        )) {
          let line = match[1];
          for (const [placeholder, value] of Object.entries(SAMPLES)) line = line.split(placeholder).join(value);
          const words: string[] = [];
          for (const word of line.split(/\s+/)) {
            if (word === '' || PROSE.has(word) || /^[(]/.test(word) || /\$\{/.test(word)) break;
            const bare = word.replace(/[.,;:)]+$/, '');
            if (bare) words.push(bare);
            if (bare !== word) break;
          }
          found.push({file: file.slice(SRC.length), line: at + 1, words});
        }
      });
  }
  return found;
}

/** The command's class for the words `lab down --dir x`, and the words after the command's own. */
async function commandOf(words: string[]) {
  const depth = words[0] === 'lab' ? 2 : 1;
  const path = join(COMMANDS, ...words.slice(0, depth)) + '.js';
  const {default: command} = (await import(path)) as {default: {flags: object; args: object}};
  return {command, argv: words.slice(depth)};
}

test('every command line a message prints names a command that exists, with flags and arguments it takes', async (t) => {
  const all = hints();
  t.true(all.length >= 20, `${all.length} hints found`);
  for (const {file, line, words} of all) {
    const where = `${file}:${line}: cluster ${words.join(' ')}`;
    const {command, argv} = await commandOf(words);
    const problems = await Parser.parse(argv, {
      flags: command.flags as never,
      args: command.args as never,
      strict: true,
    })
      .then(() => [])
      .catch((error: Error) => {
        const lines = error.message.split('\n');
        return lines[0].startsWith('The following errors occurred')
          ? lines.slice(1, -1).map((problem) => problem.trim())
          : [lines[0]];
      });
    // A hint that names a command beside the user's own data ('train one with cluster train --out FILE') leaves
    // its required flags to them, and one that names a flag in a sentence ('written by cluster train --out') its
    // value; a flag or an argument the command does not take is a hint that fails.
    const named = words.at(-1)!;
    t.deepEqual(
      problems.filter(
        (problem) =>
          !problem.startsWith('Missing required flag') && !problem.startsWith(`Flag ${named} expects a value`),
      ),
      [],
      where,
    );
  }
});

test('the hints that need no hosts run as printed in a bare folder: cluster init DIR, then its bench, status and help', async (t) => {
  const folder = folderWith();
  const init = await cluster(['init', 'my-cluster'], folder);
  t.is(init.exitCode, 0, init.stderr);
  // init's own hint; its bench is the default experiment, which its own tests run (a minute here).
  t.regex(init.stdout, /^Next: cd my-cluster && cluster bench {3}\(then: cluster status, cluster help\)$/m);
  for (const words of [['status'], ['help']]) {
    const result = await cluster(words, join(folder, 'my-cluster'));
    t.is(result.exitCode, 0, `cluster ${words.join(' ')}: ${result.stderr}`);
  }
});

test('a lab command in a message says sudo only to a user who is not root (a root machine may have no sudo)', async (t) => {
  const {asRoot} = await import('../../src/text/as-root.js');
  const root = process.getuid?.() === 0;
  t.is(asRoot('cluster lab up'), root ? 'cluster lab up' : 'sudo cluster lab up');
});
