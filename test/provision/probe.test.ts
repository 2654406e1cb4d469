import test from 'ava';
import {nodeProblem, parseProbe} from '../../src/provision/probe.js';

test("the probe's answer, and which Node.js versions can run the worker", (t) => {
  const facts = parseProbe(
    'os=Linux\nmachine=aarch64\narch=arm64\nnproc=4\ncpuinfo=CPU part\t: 0xd08\ncpuinfo=CPU implementer\t: 0x41\nmem=3884112\nnode=v18.19.0\ncache=/home/pi/.cache\n',
  );
  t.deepEqual(facts, {
    os: 'Linux',
    arch: 'arm64',
    machine: 'aarch64',
    cpu: 'Cortex-A72',
    nproc: 4,
    memoryBytes: 3884112 * 1024,
    node: 'v18.19.0',
    cacheDir: '/home/pi/.cache',
  });
  t.is(nodeProblem(facts), undefined);
  t.is(nodeProblem({...facts, node: 'v16.20.0'})?.reason, 'node-too-old');
  t.is(nodeProblem(parseProbe('node=\n'))?.reason, 'node-missing');
});
