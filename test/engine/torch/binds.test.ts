import test from 'ava';
import type {Host} from '../../../src/config/inventory.js';
import {glooBinds, type TorchHost} from '../../../src/engine/torch/hosts.js';
import {HostError} from '../../../src/errors.js';

function host(
  name: string,
  transport: 'local' | 'ssh',
  route = {coordinator: '127.0.0.1', host: '127.0.0.1'},
): TorchHost {
  return {
    host: {name, transport, cores: 1, labels: []} as unknown as Host,
    shell: undefined as never,
    python: {path: '/usr/bin/python3', python: '3.11.2', torch: '1.13.1', numpy: '1.24.2'},
    route,
  };
}

test('local hosts alone: gloo listens on the loopback', (t) => {
  t.deepEqual(glooBinds([host('a', 'local'), host('b', 'local')]), ['127.0.0.1', '127.0.0.1']);
});

test("an SSH host listens on its own end of its SSH connection; a local host beside it on this machine's address as the SSH host sees it", (t) => {
  const pi = host('pi', 'ssh', {coordinator: '192.168.1.10', host: '192.168.1.21'});
  t.deepEqual(glooBinds([host('a', 'local'), pi]), ['192.168.1.10', '192.168.1.21']);
});

test('local hosts beside SSH hosts that reach this machine at two addresses are refused', (t) => {
  const error = t.throws(() =>
    glooBinds([
      host('a', 'local'),
      host('pi', 'ssh', {coordinator: '192.168.1.10', host: '192.168.1.21'}),
      host('vm', 'ssh', {coordinator: '10.0.0.1', host: '10.0.0.5'}),
    ]),
  );
  t.true(error instanceof HostError);
  t.regex(error!.message, /reach this machine at 192\.168\.1\.10 and 10\.0\.0\.1/);
});

test('an SSH host said to be reached at the unspecified address is refused: gloo would listen everywhere', (t) => {
  const error = t.throws(() => glooBinds([host('pi', 'ssh', {coordinator: '192.168.1.10', host: '0.0.0.0'})]));
  t.regex(error!.message, /0\.0\.0\.0, which is the unspecified address/);
});
