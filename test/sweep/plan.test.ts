import test from 'ava';
import {planRuns} from '../../src/sweep/plan.js';

const plans = test.macro({
  exec(t, args: Parameters<typeof planRuns>, expected: string) {
    t.is(
      planRuns(...args)
        .map((p) => `${'ABC'[p.combination]}${p.warmup ? 'w' : ''}${p.run}`)
        .join(' '),
      expected,
    );
  },
  title: (given = '', args: Parameters<typeof planRuns>) =>
    `${args[3]}: ${args[0]} combinations, ${args[1]} warm-up(s), ${args[2]} run(s)${given}`,
});

test(plans, [2, 1, 3, 'interleaved'], 'Aw1 Bw1 A2 B2 A3 B3 A4 B4');
test(plans, [2, 1, 3, 'sequential'], 'Aw1 A2 A3 A4 Bw1 B2 B3 B4');
test(plans, [3, 0, 2, 'interleaved'], 'A1 B1 C1 A2 B2 C2');
test(plans, [1, 2, 2, 'interleaved'], 'Aw1 Aw2 A3 A4');
