import test from 'ava';
import {type Delimiter, likelyDelimiter, parseDelimiter, sniffDelimiter} from '../../src/data/delimiter.js';

const sniffs = test.macro({
  exec: (t, text: string, expected: Delimiter | undefined) => t.is(sniffDelimiter(text), expected),
  title: (title = '') => `sniffed: ${title}`,
});

test('commas', sniffs, 'a,b,y\n1,2,x\n3,4,z\n', ',');
test('semicolons, with decimal commas in quotes', sniffs, 'a;b;y\n"1,5";2;x\n"3,25";4;z\n', ';');
test('tabs', sniffs, 'a\tb\ty\n1\t2\tx\n', '\t');
test('pipes', sniffs, 'a|b|y\n1|2|x\n', '|');
test('a quoted field holding the other delimiters', sniffs, 'name;note;y\n"a,b,c";"x|y";1\n"d";"e, f";2\n', ';');
test('a quoted field holding a line break', sniffs, 'a;b\n"line\nbreak, here";2\n3;4\n', ';');
test('CRLF line ends', sniffs, 'a;b\r\n1;2\r\n3;4\r\n', ';');
test('a single column: none', sniffs, 'a\n1\n2\n', undefined);
test('a header only', sniffs, 'a;b;c\n', ';');
test('a header only, of one column', sniffs, 'label\n', undefined);
test('rows that disagree with the header: none (ambiguous)', sniffs, 'a;b;c\n1;2;3\n1;2\n', undefined);
test('the same count under two: the comma first, as csv.Sniffer prefers', sniffs, 'a,b;c\n1,2;3\n', ',');
test('a comma inside cells but a consistent semicolon', sniffs, 'a;b\n1,5;2\n3;4,25,1\n', ';');
test('blank lines are skipped', sniffs, 'a|b\n\n1|2\n\n', '|');
test('an empty text', sniffs, '', undefined);

test('--delimiter values: the character, tab or \\t as a shell passes them', (t) => {
  t.is(parseDelimiter(';'), ';');
  t.is(parseDelimiter('tab'), '\t');
  t.is(parseDelimiter('\\t'), '\t');
  t.is(parseDelimiter('\t'), '\t');
  t.is(parseDelimiter('|'), '|');
  t.is(parseDelimiter(':'), undefined);
  t.is(parseDelimiter(';;'), undefined);
});

test('a header read as one column names the delimiter it holds most', (t) => {
  t.is(likelyDelimiter(['alcohol;malic_acid;cultivar']), ';');
  t.is(likelyDelimiter(['a\tb|c\td']), '\t');
  t.is(likelyDelimiter(['label']), undefined);
  t.is(likelyDelimiter(['a;b', 'c']), undefined);
});
test('a quote inside a cell is text, as the reader takes it', sniffs, 'size;y\n5" screen;x\n7" screen;z\n', ';');
test('a doubled quote inside a quoted cell', sniffs, 'a;b\n"say ""a;b""";1\n2;3\n', ';');
