import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {cluster} from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = new URL('../../../scripts/command-reference.mjs', import.meta.url).href;
const PAGE = `${ROOT}docs/commands.md`;

/** The generator, imported at run time: it is a plain .mjs script, outside the compiled tree. */
async function generate(): Promise<string> {
  const {commandReference} = (await import(SCRIPT)) as {commandReference: () => Promise<string>};
  return commandReference();
}

/** The names in a help section (`COMMANDS`, `TOPICS`): the first word or words of each indented entry line. */
function listed(help: string, section: string): string[] {
  const body = help.split(`\n${section}\n`)[1]?.split('\n\n')[0] ?? '';
  return body
    .split('\n')
    .filter((line) => /^ {2}\S/.test(line))
    .map((line) => line.trim().split(/ {2,}/)[0]);
}

test('docs/commands.md is what the commands say of themselves', async (t) => {
  const expected = await generate();
  const actual = readFileSync(PAGE, 'utf8');
  t.true(actual === expected, 'docs/commands.md is out of date with the commands: run `npm run docs` and commit it');
});

test('every command and topic cluster help lists has its section in docs/commands.md', async (t) => {
  const page = readFileSync(PAGE, 'utf8');
  const root = await cluster(['help'], ROOT);
  const commands = listed(root.stdout, 'COMMANDS');
  const topics = listed(root.stdout, 'TOPICS');
  t.true(commands.includes('bench') && topics.includes('lab'), root.stdout);
  const names = [...commands, ...topics];
  for (const topic of topics) {
    names.push(...listed((await cluster(['help', topic], ROOT)).stdout, 'COMMANDS'));
  }
  t.true(names.includes('lab up'));
  for (const name of names)
    t.true(page.includes(`\n## cluster ${name}\n`), `cluster ${name} is missing from docs/commands.md`);
});
