import test from 'ava';
import {markdownCell} from '../../src/text/markdown-cell.js';

const shows = test.macro({
  exec(t, text: string, expected: string) {
    t.is(markdownCell(text), expected);
  },
  title: (_, text) => `a Markdown cell shows ${JSON.stringify(text)} as written`,
});

test(shows, 'rpi, desktop', 'rpi, desktop');
test(shows, '<b>x</b>', '&lt;b&gt;x&lt;/b&gt;');
test(shows, '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;');
test(shows, 'a & b &amp; c', 'a &amp; b &amp;amp; c');
test(shows, 'a|b', 'a\\|b');
test(shows, '**bold** *em*', '\\*\\*bold\\*\\* \\*em\\*');
test(shows, '`code`', '\\`code\\`');
test(shows, '_em_ and __strong__', '\\_em\\_ and \\_\\_strong\\_\\_');
test(shows, 'covtype_small rpi_4', 'covtype_small rpi_4');
test(shows, '~~gone~~', '\\~\\~gone\\~\\~');
test(shows, '[click](https://example.com)', '\\[click\\](https://example.com)');
test(shows, 'C:\\data\\x', 'C:\\data\\x');
test(shows, 'a\\*b', 'a\\\\\\*b');
test(shows, 'a\\|b', 'a\\\\\\|b');
test(shows, 'ev\u001b[31mil', 'ev\\x1b\\[31mil');
