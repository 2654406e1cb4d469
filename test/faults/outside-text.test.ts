import {chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import anyTest, {type TestFn} from 'ava';
import {bundlePathIn, workerBundle} from '../../src/transport/bundle.js';
import {cluster} from '../helpers/cli.js';
import {folderWith} from '../helpers/files.js';
import {sshdUnavailable, startSshd, type TestSshd} from '../helpers/sshd.js';

// A host that answers with escape sequences: a `node` on its PATH whose --version sets the
// terminal's title and colours and whose stderr clears the screen to fake a password prompt. What
// it says reaches the user shown, never obeyed: no ESC, CSI, DEL or bidi control is printed raw.
const unavailable = sshdUnavailable();
if (unavailable && process.env.CI === 'true') throw new Error(`the SSH tests must run under CI, but ${unavailable}`);
if (unavailable) console.log(`Skipping the SSH tests: ${unavailable}`);
const test = (unavailable ? anyTest.skip : anyTest) as TestFn;

const HOSTILE = '\x1b]0;pwned\x07\x1b[31m\u009b2J\u202eevil\x7f';
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[31m\\x9b2J\\u{202e}evil\\x7f';
const PROMPT = '\x1b[2J\x1b[HFAKE PROMPT: password for root:';
// Every character a terminal acts on, but the newline that ends a line.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let sshd: TestSshd;
anyTest.before(async () => {
  if (unavailable) return;
  const tools = folderWith();
  for (const tool of ['sh', 'uname', 'nproc', 'getconf', 'grep', 'cut', 'tr', 'sha256sum', 'mkdir'])
    symlinkSync(`/usr/bin/${tool}`, join(tools, tool));
  writeFileSync(
    join(tools, 'node'),
    `#!/bin/sh\nif [ "$1" = --version ]; then printf '%s\\n' 'v20.11.1${HOSTILE}'; exit 0; fi\nprintf '%s' '${PROMPT}' >&2\nexit 1\n`,
  );
  chmodSync(join(tools, 'node'), 0o755);
  chmodSync(tools, 0o755);
  sshd = await startSshd({path: tools});
  // The worker in place, as provision leaves it, so status calls the host ready and bench starts it.
  const bundle = workerBundle();
  const installed = bundlePathIn(join(sshd.folder, 'cache'), bundle.version);
  mkdirSync(dirname(installed), {recursive: true});
  copyFileSync(fileURLToPath(new URL('../../worker.mjs', import.meta.url)), installed);
});
anyTest.after.always(async () => {
  await sshd?.stop();
});

function home(): string {
  return folderWith({
    'inventory.yaml': `knownHosts: known_hosts\ndefaults: { user: root, identityFile: ${sshd.userKey} }\nhosts:\n  far: { address: 127.0.0.1, port: ${sshd.port}, cores: 1 }\n  local-a: { transport: local, cores: 1 }\n`,
    known_hosts: `${sshd.hostKeyLine()}\n`,
    'experiments/far.yaml':
      'dataset: { kind: synthetic, samples: 200 }\nforest: { trees: 2 }\ncombinations: [[local-a], [far]]\nruns: 1\nwarmup: 0\n',
  });
}

const run = (args: string[], folder: string) => cluster(args, folder, {HOME: folder, SSH_AUTH_SOCK: undefined});

test("status shows a host's escape sequences in its Node.js cell, escaped; --json keeps the value, escaped as JSON", async (t) => {
  const folder = home();
  const status = await run(['status', '--hosts', 'far'], folder);
  t.notRegex(status.stdout + status.stderr, RAW_CONTROL);
  t.true(status.stdout.includes(`v20.11.1${SHOWN}`), status.stdout);
  const json = await run(['status', '--hosts', 'far', '--json'], folder);
  t.notRegex(json.stdout, RAW_CONTROL);
  t.is(JSON.parse(json.stdout)[0].node, `v20.11.1${HOSTILE}`);
});

test("bench's error line shows a worker's screen clear and fake prompt, escaped", async (t) => {
  const folder = home();
  const bench = await run(['bench', '-e', 'experiments/far.yaml'], folder);
  t.is(bench.exitCode, 3, bench.stderr);
  t.notRegex(bench.stdout + bench.stderr, RAW_CONTROL);
  t.regex(bench.stderr, /^Error: host far: .*\(worker stderr: \\x1b\[2J\\x1b\[HFAKE PROMPT: password for root:\)\n$/m);
});

// Words from files reach the terminal escaped too: a data file's classes, a results file's rows.
anyTest("predict prints a data file's classes one a line, their escape sequences shown", async (t) => {
  const rows = Array.from({length: 12}, (_, i) => `${i},${i < 6 ? `\x1b]0;pwned\x07` : 'b\u202ec'}`);
  const folder = folderWith({'d.csv': `a,y\n${rows.join('\n')}\n`});
  const trained = await cluster(
    ['train', '--data', 'd.csv', '--target', 'y', '--trees', '3', '--cores', '1', '--out', 'm.bin'],
    folder,
  );
  t.is(trained.exitCode, 0, trained.stderr);
  const predicted = await cluster(['predict', '--model', 'm.bin', '--data', 'd.csv'], folder);
  t.is(predicted.exitCode, 0, predicted.stderr);
  t.notRegex(predicted.stdout + predicted.stderr, RAW_CONTROL);
  t.deepEqual(new Set(predicted.stdout.trimEnd().split('\n')), new Set(['\\x1b]0;pwned\\x07', 'b\\u{202e}c']));
});

anyTest("analyze shows a results file's hardware and errors escaped, in its report and its --json", async (t) => {
  const failed = `{"hardware": "local-b\\u001b[2J", "status": "failed", "measured_s": null, "error": {"message": "\\u001b]0;pwned\\u0007 lost\\u009b"}}`;
  const folder = folderWith({'r.json': `{"rows": [{"hardware": "local-a", "measured_s": 9}, ${failed}]}`});
  const report = await cluster(['analyze', 'r.json'], folder);
  t.is(report.exitCode, 0, report.stderr);
  t.notRegex(report.stdout, RAW_CONTROL);
  t.true(report.stdout.includes('Left out: rows[1] (local-b\\x1b[2J): \\x1b]0;pwned\\x07 lost\\x9b.'), report.stdout);
  const json = await cluster(['analyze', 'r.json', '--json'], folder);
  t.notRegex(json.stdout, RAW_CONTROL);
  t.deepEqual(JSON.parse(json.stdout).skipped, ['rows[1] (local-b\x1b[2J): \x1b]0;pwned\x07 lost\u009b']);
});

anyTest("an error quoting a file's content, or a mistyped command, shows its escapes on one line", async (t) => {
  const folder = folderWith({'t.csv': 'hardware,measured_s\n1 x pi,100\n"\x1b[2J\u009b\u202epi\nroot# ",50\n'});
  const refused = await cluster(['analyze', 't.csv'], folder);
  t.is(refused.exitCode, 2);
  t.is(
    refused.stderr,
    "Error: t.csv:3:1: hardware: cannot read '\\x1b[2J\\x9b\\u{202e}pi\\nroot#' as a count and a kind of host (write it as '4 x Raspberry Pi, 1 x Desktop', '1 Pi + desktop' or '2 x raspberry-pi, 1 x desktop')\n",
  );
  const mistyped = await cluster(['sta\x1b]0;x\x07tus'], folder);
  t.is(mistyped.exitCode, 2);
  t.notRegex(mistyped.stderr, RAW_CONTROL);
  t.true(mistyped.stderr.includes('sta\\x1b]0;x\\x07tus'), mistyped.stderr);
  const json = await cluster(['sta\u009btus', '--json'], folder);
  t.notRegex(json.stdout, RAW_CONTROL);
  t.true(JSON.parse(json.stdout).error.message.includes('sta\u009btus'));
});
