import test from 'ava';
import {run, runQuietly} from '../../src/lab/system.js';

test('no tool the lab runs can wait on a prompt: its input is closed (ssh-keygen once waited for "Overwrite (y/n)?" for good)', async (t) => {
  t.timeout(20_000, 'a tool was left waiting for input');
  // `cat` ends at the end of its input: at once when there is none, never when it is an open pipe.
  t.is(await run('cat', []), '');
  await runQuietly('cat', []);
  // A question answered by end-of-file is a failure that names the tool, not a hang.
  await t.throwsAsync(run('sh', ['-c', 'printf "Overwrite (y/n)? " >&2; read answer']), {
    message: 'sh -c printf "Overwrite (y/n)? " >&2; read answer failed (exit 1): Overwrite (y/n)?',
  });
});
