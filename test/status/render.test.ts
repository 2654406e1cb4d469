import test from 'ava';
import {colours} from '../../src/report/colour.js';
import {renderStatus} from '../../src/status/render.js';
import type {HostStatus} from '../../src/status/status.js';

const HOST: HostStatus = {
  host: 'far',
  transport: 'ssh',
  reachable: true,
  latencyMs: 1.5,
  os: 'Linux',
  arch: 'aarch64\x1b[5m',
  cpu: null,
  nproc: 4,
  cores: 4,
  coresFromHost: false,
  memoryBytes: 2 ** 32,
  node: 'v20.11.1\x1b]0;pwned\x07',
  workerUpToDate: false,
  ready: false,
  treesPerSecond: null,
  warnings: ['python says \x1b[2Jhi'],
  error: 'host far: worker stderr: \u009b31m\nroot# ',
};

test("a host's words are escaped, our own colours are kept", (t) => {
  const text = renderStatus([HOST], {calibrated: false, paint: colours({isTTY: true}, {})});
  t.true(text.includes('\x1b[32myes\x1b[39m'), 'our green');
  t.true(text.includes('\x1b[31mNOT INSTALLED\x1b[39m'), 'our red');
  t.true(text.includes('v20.11.1\\x1b]0;pwned\\x07'));
  t.true(text.includes('aarch64\\x1b[5m'));
  t.true(text.includes('\x1b[33mWarning:\x1b[39m far: python says \\x1b[2Jhi'));
  t.true(text.endsWith('\x1b[31mError:\x1b[39m host far: worker stderr: \\x9b31m\\nroot# '));
  // Without our colours, no ESC is left at all.
  t.false(renderStatus([HOST], {calibrated: false, paint: colours({isTTY: false}, {})}).includes('\x1b'));
});
