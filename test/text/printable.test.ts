import test from 'ava';
import {CONTROL_CHARACTER, printable, printableJson} from '../../src/text/printable.js';

const shows = test.macro({
  exec(t, raw: string, shown: string) {
    t.is(printable(raw), shown);
  },
  title: (_, raw: string) => `shows ${printable(raw)} as it reads`,
});

test(shows, 'v20.0.0\x1b]0;pwned\x07\x1b[31m', 'v20.0.0\\x1b]0;pwned\\x07\\x1b[31m');
test(shows, '\x1b[2J\x1b[HFAKE PROMPT: password for root:', '\\x1b[2J\\x1b[HFAKE PROMPT: password for root:');
test(shows, 'csi \u009b31m del \x7f nul \0', 'csi \\x9b31m del \\x7f nul \\x00');
test(shows, 'two\nlines\r\nand\ta tab', 'two\\nlines\\r\\nand\\ta tab');
test(shows, 'abc\u202edcba\u2066x\u2069\u200e', 'abc\\u{202e}dcba\\u{2066}x\\u{2069}\\u{200e}');
test(shows, 'Raspberry Pi 4 (4GB) – «ok» 日本', 'Raspberry Pi 4 (4GB) – «ok» 日本');

test('JSON text keeps its value, with no raw control character left', (t) => {
  const value = {node: 'v20\x1b[31m\u009b\x7f\u202e'};
  const json = printableJson(JSON.stringify(value));
  t.deepEqual(JSON.parse(json), value);
  t.false(CONTROL_CHARACTER.test(json));
});
