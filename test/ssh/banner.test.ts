import test from 'ava';
import {BannerCut, loginBannerHint, markedCommand} from '../../src/ssh/banner.js';

const MARKER = Buffer.from('cluster-start-0123456789abcdef');

/** What the command said and what came before it, with the stream cut into chunks of `size` bytes. */
function cutInto(text: Buffer, size: number): {output: string; banner: string; seen: boolean; bannerBytes: number} {
  const cut = new BannerCut(MARKER);
  const parts: Buffer[] = [];
  for (let at = 0; at < text.length; at += size) parts.push(cut.push(text.subarray(at, at + size)));
  return {output: Buffer.concat(parts).toString(), banner: cut.banner(), seen: cut.seen, bannerBytes: cut.bannerBytes};
}

const stream = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((part) => Buffer.from(part)));

for (const size of [1, 2, 7, 29, 30, 31, 1000]) {
  test(`the banner is cut off at the marker, whatever the chunks (${size} bytes)`, (t) => {
    t.deepEqual(cutInto(stream('Welcome to Raspberry Pi\n\u001b[2J', MARKER, 'os=Linux\ncluster-start-'), size), {
      output: 'os=Linux\ncluster-start-',
      banner: 'Welcome to Raspberry Pi\n\u001b[2J',
      seen: true,
      bannerBytes: 28,
    });
  });
}

test("no banner: the output is all the command's", (t) => {
  t.deepEqual(cutInto(stream(MARKER, '\u0000\u0000\u0000\u0008{"type"'), 4), {
    output: '\u0000\u0000\u0000\u0008{"type"',
    banner: '',
    seen: true,
    bannerBytes: 0,
  });
});

test('a start of the marker in the banner is banner', (t) => {
  t.deepEqual(cutInto(stream('cluster-start-01 cluster-start-', MARKER, 'x'), 5), {
    output: 'x',
    banner: 'cluster-start-01 cluster-start-',
    seen: true,
    bannerBytes: 31,
  });
});

test('without the marker everything is banner, and the command never ran', (t) => {
  t.deepEqual(cutInto(stream('This account is currently not available.\n'), 3), {
    output: '',
    banner: 'This account is currently not available.\n',
    seen: false,
    bannerBytes: 41,
  });
});

test('a long banner is skipped whole but kept only in part', (t) => {
  const long = 'x'.repeat(200_000);
  const result = cutInto(stream(long, MARKER, 'ok'), 16_384);
  t.is(result.output, 'ok');
  t.is(result.banner, long.slice(0, 4096));
  t.is(result.bannerBytes, 200_000);
});

test('each command has its own marker, never written whole in the command itself', (t) => {
  const first = markedCommand('uname -s');
  const second = markedCommand('uname -s');
  t.notDeepEqual(first.marker, second.marker);
  t.false(
    first.command.includes(first.marker.toString()),
    'a shell that echoes its command line does not show the marker',
  );
  t.true(first.command.endsWith('; uname -s'));
});

test("the hint shows the banner's first bytes with control characters escaped, and the fix", (t) => {
  t.is(
    loginBannerHint('\u001b]0;pi\u0007Hi\n'),
    "your shell prints at login: '\\u001b]0;pi\\u0007Hi\\n'; make ~/.bashrc print only for interactive shells (e.g. start it with `[[ $- == *i* ]] || return`)",
  );
});
