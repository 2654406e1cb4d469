import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {cpuinfoLines, cpuModelOf, nodeArchOf} from '../../src/provision/cpuinfo.js';
import {parseProbe} from '../../src/provision/probe.js';

/** Real /proc/cpuinfo texts: this machine's (x86, with its `model : 2` line), a Pi 4 on 64-bit and a Pi 3 on 32-bit Raspberry Pi OS. */
const fixture = (name: string) => fileURLToPath(new URL(`../../../test/provision/cpuinfo/${name}`, import.meta.url));

const cases: [string, string][] = [
  ['x86-epyc.txt', 'AMD EPYC'],
  ['pi4-arm64.txt', 'Raspberry Pi 4 Model B Rev 1.1 (Cortex-A72)'],
  ['pi3-armhf.txt', 'Raspberry Pi 3 Model B Rev 1.2 (Cortex-A53)'],
];

for (const [file, model] of cases) {
  test(`the CPU of ${file}, from the whole text and from the lines the probe sends`, async (t) => {
    t.is(cpuModelOf(readFileSync(fixture(file), 'utf8')), model);
    const {stdout} = await execa('sh', ['-c', cpuinfoLines(fixture(file))]);
    t.is(parseProbe(`${stdout}\ncache=/c\n`).cpu, model);
  });
}

test('an ARM board without a Model line is named by its SoC, or its core', (t) => {
  t.is(
    cpuModelOf(
      'model name\t: ARMv7 Processor rev 4 (v7l)\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\nHardware\t: BCM2835\n',
    ),
    'BCM2835 (Cortex-A53)',
  );
  t.is(cpuModelOf('CPU implementer\t: 0x41\nCPU part\t: 0xd0b\n'), 'Cortex-A76');
  t.is(cpuModelOf('CPU implementer\t: 0x51\nCPU part\t: 0x802\n'), 'CPU part 0x802 of implementer 0x51');
  t.is(cpuModelOf(''), undefined);
});

test("the kernel's machine in Node's naming, for a host whose node cannot say", (t) => {
  t.deepEqual(['x86_64', 'aarch64', 'armv7l', 'armv6l', 'i686', 'riscv64'].map(nodeArchOf), [
    'x64',
    'arm64',
    'arm',
    'arm',
    'ia32',
    'riscv64',
  ]);
});

test("the worker's architecture is its Node's, not the login shell's", (t) => {
  // An arm64 kernel running 32-bit Raspberry Pi OS: uname says aarch64, node (and so the worker) is arm.
  const facts = parseProbe('os=Linux\nmachine=aarch64\narch=arm\nnode=v18.19.0\ncache=/c\n');
  t.like(facts, {arch: 'arm', machine: 'aarch64', node: 'v18.19.0'});
  t.is(parseProbe('os=Linux\nmachine=x86_64\narch=\nnode=\ncache=/c\n').arch, 'x64');
});
