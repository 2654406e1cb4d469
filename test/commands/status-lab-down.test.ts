import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {cluster} from '../helpers/cli.js';
import {paste} from '../helpers/faults.js';
import {folderWith} from '../helpers/files.js';
import {freePort} from '../helpers/sshd.js';

// status on a lab's inventory after lab down said 'Connection lost before handshake' or 'connection refused'
// with no word of the lab; a host of a lab-inventory.yaml now asks whether the lab is up, with the check that tells.
test('a lab host that cannot be reached: is the lab up?, and the check it names runs as printed', async (t) => {
  const closed = await freePort();
  const folder = folderWith({});
  const key = join(folder, 'user_key');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const lab = folderWith({
    'lab-inventory.yaml': `hosts:\n  pi-1: { transport: ssh, address: 127.0.0.1, port: ${closed}, user: root, identityFile: ${key}, cores: 1 }\n`,
  });
  const result = await cluster(['status', '--inventory', join(lab, 'lab-inventory.yaml'), '--json'], folder);
  t.is(result.exitCode, 3, result.stderr);
  const [status] = JSON.parse(result.stdout) as {error: string}[];
  t.is(
    status.error,
    `host pi-1: connection refused at 127.0.0.1:${closed}; is sshd running there, on that port? (a lab host: is the lab up? cluster lab status --dir ${lab})`,
  );
  const check = /is the lab up\? (cluster lab status --dir \S+)\)$/.exec(status.error)![1];
  const pasted = await paste(check, folder, 'lab-check');
  t.is(pasted.exitCode, 0, pasted.stderr);
  t.is(pasted.stdout.trim(), 'No lab is up.');
});
