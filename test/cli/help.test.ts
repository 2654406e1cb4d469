import {readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {cluster} from '../helpers/cli.js';

const COMMANDS = fileURLToPath(new URL('../../src/commands/', import.meta.url));

/** Every command's words as typed (`lab up`), from the compiled commands folder. */
function commandWords(): string[][] {
  return readdirSync(COMMANDS, {recursive: true, encoding: 'utf8'})
    .filter((file) => file.endsWith('.js'))
    .map((file) =>
      file
        .slice(0, -'.js'.length)
        .split(/[/\\]/)
        .filter((word) => word !== 'index'),
    );
}

test('-h shows the same help as --help, for the root and every command', async (t) => {
  const words = [[], ...commandWords()];
  t.true(words.length > 8, 'the commands were found');
  for (const command of words) {
    const [short, long] = await Promise.all([
      cluster([...command, '-h'], process.cwd()),
      cluster([...command, '--help'], process.cwd()),
    ]);
    t.is(short.exitCode, 0, `cluster ${command.join(' ')} -h: ${short.stderr}`);
    t.is(short.stdout, long.stdout, `cluster ${command.join(' ')} -h`);
    t.regex(short.stdout, /USAGE/);
  }
});
