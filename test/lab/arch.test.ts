import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {InputError} from '../../src/errors.js';
import {binfmtName, isLabBinfmt} from '../../src/lab/arch.js';
import {readState} from '../../src/lab/state.js';
import {loadLabSpec} from '../../src/lab/spec.js';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';

test('arch: arm64 and armhf are lab hosts of their own architecture; the others are absent', (t) => {
  const folder = folderWith({
    'lab.yaml': 'lab:\n  hosts:\n    pi4: { arch: arm64 }\n    pi3: { arch: armhf, cpu: 0.5 }\n    pc: { cores: 2 }\n',
  });
  const {hosts} = loadLabSpec(join(folder, 'lab.yaml'));
  t.deepEqual(
    hosts.map((host) => [host.name, host.arch]),
    [
      ['pi4', 'arm64'],
      ['pi3', 'armhf'],
      ['pc', undefined],
    ],
  );
});

test('another arch is refused with its file, line and the values there are, exit 2', async (t) => {
  const folder = folderWith({'lab.yaml': 'lab:\n  hosts:\n    pc: { cores: 1 }\n    pi: { arch: aarch64 }\n'});
  const message = (file: string) =>
    `${file}:4: lab.hosts.pi.arch: 'aarch64' is not an architecture the lab emulates (write arm64 (a Pi on 64-bit Raspberry Pi OS) or armhf (32-bit), or leave arch out for this machine's own)`;
  t.throws(() => loadLabSpec(join(folder, 'lab.yaml')), {message: message(join(folder, 'lab.yaml'))});
  const result = await cluster(['lab', 'up', '--spec', 'lab.yaml', '--dir', 'lab'], folder);
  t.is(result.exitCode, 2);
  t.is(result.stderr, `Error: ${message('lab.yaml')}\n`);
});

test("the lab's binfmt entries are its own, per slot: never the system's qemu-aarch64, never another slot's", (t) => {
  t.is(binfmtName('', 'arm64'), 'cluster-lab-arm64');
  t.is(binfmtName('3', 'armhf'), 'cluster-lab3-armhf');
  t.true(isLabBinfmt('cluster-lab3-armhf', '3'));
  t.false(isLabBinfmt('cluster-lab3-armhf', ''));
  t.false(isLabBinfmt('qemu-aarch64', ''));
  t.false(isLabBinfmt('status', ''));
});

test("a state naming a binfmt entry lab up does not make is refused: down would remove the system's", (t) => {
  for (const binfmt of [['qemu-aarch64'], ['cluster-lab3-arm64'], 'cluster-lab-arm64x', [5]]) {
    const folder = folderWith();
    writeFileSync(join(folder, 'state.json'), JSON.stringify({dir: folder, bridge: 'clbr0', hosts: [], binfmt}));
    t.throws(() => readState(folder), {
      instanceOf: InputError,
      message: /state\.json: binfmt: '.*' is not a binfmt entry lab up makes: was it edited\?/,
    });
  }
  const folder = folderWith();
  writeFileSync(
    join(folder, 'state.json'),
    JSON.stringify({dir: folder, bridge: 'clbr3', hosts: [], binfmt: ['cluster-lab3-arm64']}),
  );
  t.deepEqual(readState(folder)?.binfmt, ['cluster-lab3-arm64']);
});
