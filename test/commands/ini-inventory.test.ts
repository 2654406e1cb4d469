import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {execa} from 'execa';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {freePort} from '../helpers/sshd.js';

// The INI form was refused with the ansible-inventory command that converts it, which needs Ansible.
test('status reads an Ansible INI inventory: local hosts, and an SSH host read down to its port', async (t) => {
  const closed = await freePort();
  const folder = folderWith({});
  const key = join(folder, 'pi_key');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const ini = `# as the Pi-cluster guides write it\n[here]\nlocal[1:2] ansible_connection=local\n\n[pis]\nrpi1 ansible_host=127.0.0.1 ansible_port=${closed} ansible_user=pi ansible_ssh_private_key_file=${key}\n\n[cluster:children]\nhere\npis\n`;
  writeFileSync(join(folder, 'hosts.ini'), ini);
  writeFileSync(join(folder, 'hosts'), ini);
  // Without --inventory, hosts.ini is among the names tried when inventory.yaml is not there.
  for (const file of ['hosts.ini', 'hosts', undefined]) {
    const result = await cluster(['status', ...(file ? ['--inventory', file] : []), '--json'], folder);
    t.is(result.exitCode, 3, result.stderr);
    const byHost = Object.fromEntries(
      JSON.parse(result.stdout).map((s: {host: string; reachable: boolean; reason?: string; error: string | null}) => [
        s.host,
        [s.reachable, s.reason ?? null, s.error],
      ]),
    );
    t.deepEqual(
      byHost,
      {
        local1: [true, null, null],
        local2: [true, null, null],
        rpi1: [
          false,
          'connection-refused',
          `host rpi1: connection refused at 127.0.0.1:${closed}; is sshd running there, on that port?`,
        ],
      },
      file ?? 'the default',
    );
  }
});

test('a bad INI inventory exits 2 with its file and line, no stack', async (t) => {
  const folder = folderWith({hosts: '[pis]\nrpi1 ansible_port=70000\n'});
  const result = await cluster(['status', '--inventory', 'hosts'], folder);
  t.is(result.exitCode, 2);
  t.is(
    result.stderr,
    'Error: hosts:2: rpi1 ansible_port: port 70000 is out of range (use a port between 1 and 65535)\n',
  );
});
