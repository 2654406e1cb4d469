import test from 'ava';
import {formatCounts, parseHardware, spellPart} from '../../src/results/hardware.js';

const reads = test.macro({
  exec(t, text: string, expected: Record<string, number>) {
    t.deepEqual(Object.fromEntries(parseHardware(text)), expected);
  },
  title: (_, text) => `reads '${text}'`,
});

// The paper's spelling.
test(reads, '1 x Raspberry Pi', {'raspberry-pi': 1});
test(reads, '4 x Raspberry Pi, 1 x Desktop, 1 x Laptop', {'raspberry-pi': 4, desktop: 1, laptop: 1});
test(reads, '1 Pi + desktop', {pi: 1, desktop: 1});
test(reads, '4 Pi + desktop + laptop', {pi: 4, desktop: 1, laptop: 1});
test(reads, '2× Raspberry  Pi', {'raspberry-pi': 2});
// This toolkit's: labelled kinds with counts, unlabelled hosts by name.
test(reads, '2 x raspberry-pi, 1 x desktop', {'raspberry-pi': 2, desktop: 1});
test(reads, 'local-a, local-b', {'local-a': 1, 'local-b': 1});
test(reads, 'local-a', {'local-a': 1});
test(reads, '1 x pi, 2 x pi', {pi: 3});
// A kind in double quotes holds any printable text, as bench writes a label that needs it.
test(reads, '1 x "pi, 4GB"', {'pi,-4gb': 1});
test(reads, '2 x "Raspberry Pi 4 (4GB)", 1 x desktop', {'raspberry-pi-4-(4gb)': 2, desktop: 1});
test(reads, '3 "a ""quoted"" + plus" + desktop', {'a-"quoted"-+-plus': 3, desktop: 1});
test(reads, '"x"', {x: 1});

const refuses = test.macro({
  exec(t, text: string, message: string) {
    t.throws(() => parseHardware(text), {message});
  },
  title: (_, text) => `refuses '${text}'`,
});

test(refuses, '', 'empty hardware');
test(refuses, '2 x pi,', "an empty part in '2 x pi,'");
test(refuses, '0 x pi', "'0 x pi': a count must be a whole number from 1 to 10000");
test(refuses, '2.5 x pi', "'2.5 x pi': a count must be a whole number from 1 to 10000");
test(refuses, '-1 x pi', "'-1 x pi': a count must be a whole number from 1 to 10000");
test(refuses, '20000 x pi', "'20000 x pi': a count must be a whole number from 1 to 10000");
test(refuses, '2 x', "cannot read '2 x' as a count and a kind of host");
test(refuses, 'pi (4 cores)', "cannot read 'pi (4 cores)' as a count and a kind of host");
test(refuses, '1 x "pi, 4GB', `an unclosed quote in '1 x "pi, 4GB'`);
test(refuses, '1 x "  "', `'1 x "  "': a quoted kind of host cannot be empty`);
test(refuses, '1 x "pi"4', `cannot read '1 x "pi"4' as a count and a kind of host`);
test(refuses, '2.5 x "pi"', `'2.5 x "pi"': a count must be a whole number from 1 to 10000`);
test(refuses, '1 x "pi\x1b[2J"', `'1 x "pi\\x1b[2J"': a kind of host cannot hold control characters`);

// What bench writes reads back as the same kinds, whatever the label.
for (const label of [
  'pi, 4GB',
  'Raspberry Pi 4 (4GB)',
  'Pi 4 | "fast" + more',
  '2 x pi',
  '4GB',
  'x',
  'X',
  'Ünïcode – ok',
  'local-a',
]) {
  test(`a label '${label}' is spelt so that it reads back`, (t) => {
    const spelt = [spellPart(2, label), spellPart(1, 'desktop')].join(', ');
    t.deepEqual(
      Object.fromEntries(parseHardware(spelt)),
      {[label.trim().toLowerCase().replace(/\s+/g, '-')]: 2, desktop: 1},
      spelt,
    );
  });
}
test('an unlabelled host is written by its name alone, unless the name would read as a count', (t) => {
  t.is(spellPart(1, 'local-a', true), 'local-a');
  t.is(spellPart(1, '4pi', true), '1 x 4pi');
  t.is(spellPart(1, '2x4', true), '1 x 2x4');
  t.deepEqual(Object.fromEntries(parseHardware(`${spellPart(1, '4pi', true)}, ${spellPart(1, 'x', true)}`)), {
    '4pi': 1,
    x: 1,
  });
});

test("formats counts in the toolkit's spelling", (t) => {
  t.is(formatCounts(parseHardware('4 Pi + Desktop')), '4 x pi, 1 x desktop');
  t.is(formatCounts(parseHardware('1 x "pi, 4GB" + 2 x "x"')), '1 x "pi,-4gb", 2 x "x"');
});
