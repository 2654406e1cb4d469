import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

test('a mistyped command gets a suggestion; help of an unknown command names none', async (t) => {
  const folder = folderWith();
  const typo = await cluster(['bnech'], folder);
  t.is(typo.exitCode, 2);
  t.is(
    typo.stderr,
    'Error: cluster bnech: unknown command (did you mean: cluster bench? all commands: cluster help)\n',
  );
  const nested = await cluster(['lab', 'upp'], folder);
  t.is(
    nested.stderr,
    'Error: cluster lab upp: unknown command (did you mean: cluster lab up? all commands: cluster help)\n',
  );
  const nothing = await cluster(['help', 'xyzzy'], folder);
  t.is(nothing.exitCode, 2);
  t.is(nothing.stderr, "Error: cluster help: unknown command 'xyzzy' (all commands: cluster help)\n");
});
