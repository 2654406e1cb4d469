import test from 'ava';
import {formatCounts, parseHardware} from '../../src/analyze/hardware.js';

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

test('formats counts in the toolkit\'s spelling', (t) => {
  t.is(formatCounts(parseHardware('4 Pi + Desktop')), '4 x pi, 1 x desktop');
});
