import test from 'ava';
import {analyzeTable} from '../../src/results/capacity/analyze.js';
import {readObservedTable} from '../../src/analyze/read-table.js';
import {ExitCode, InputError} from '../../src/errors.js';
import {folderWith} from '../helpers/files.js';

// The command test (test/commands/analyze.test.ts) runs a few of these through bin/run.js; the
// rest are checked here, in process: the same InputError the CLI prints on one line with exit 2.
const refuses = test.macro((t, files: Record<string, string>, args: string[], message: string) => {
  const folder = folderWith(files);
  const [file, ...flags] = args;
  const predict = flags[0] === '--predict' ? [flags[1]] : [];
  const cwd = process.cwd();
  process.chdir(folder);
  try {
    const error = t.throws(() => analyzeTable(readObservedTable(file), {fit: 'relative', predict}), {
      instanceOf: InputError,
      message,
    });
    t.is(error?.exitCode, ExitCode.input);
  } finally {
    process.chdir(cwd);
  }
});

const HARDWARE_FIX = "write it as '4 x Raspberry Pi, 1 x Desktop', '1 Pi + desktop' or '2 x raspberry-pi, 1 x desktop'";
const GOOD = 'hardware,measured_s\n1 x pi,100\n"1 x pi, 1 x desktop",25\n';
test(
  'no hardware column',
  refuses,
  {'t.csv': 'combination,measured_s\n1 x pi,10\n'},
  ['t.csv'],
  "t.csv:1: hardware: no column named 'hardware' (columns: combination, measured_s) (a results CSV needs a hardware column such as '4 x Raspberry Pi, 1 x Desktop' and a measured_s column of seconds)",
);
test(
  'a time of zero',
  refuses,
  {'t.csv': 'hardware,measured_s\n1 x pi,0\n'},
  ['t.csv'],
  't.csv:2:2: measured_s: 0 is not above 0 (write the measured time in seconds, e.g. 901)',
);
test(
  'a time in hexadecimal is not a number (JavaScript read 0x10 as 16)',
  refuses,
  {'t.csv': 'hardware,measured_s\n1 x pi,0x10\n'},
  ['t.csv'],
  "t.csv:2:2: measured_s: '0x10' is not a number (write the measured time in seconds, e.g. 901)",
);
const RANGE_FIX = 'write a time in seconds from 1e-6 (a microsecond) to 1e9 (32 years)';
// Times whose squares under- or overflow a double gave "internal error: singular matrix" (1e-160)
// or a work of NaN s (1e160, 1e308): each is refused at its cell, with the range the model fits.
test(
  'a time too short to fit',
  refuses,
  {'t.csv': 'hardware,measured_s\n1 x pi,1e-160\n2 x pi,1e-160\n'},
  ['t.csv'],
  `t.csv:2:2: measured_s: 1e-160 s is shorter than any time the model can fit (${RANGE_FIX})`,
);
test(
  'a time too long to fit',
  refuses,
  {'t.csv': 'hardware,measured_s\n1 x pi,100\n2 x pi,1e160\n'},
  ['t.csv'],
  `t.csv:3:2: measured_s: 1e160 s is longer than any time the model can fit (${RANGE_FIX})`,
);
test(
  'a slowest run too long to fit',
  refuses,
  {'t.csv': 'hardware,measured_s,max_s\n1 x pi,100,1e200\n2 x pi,50,\n'},
  ['t.csv'],
  `t.csv:2:3: max_s: 1e200 s is longer than any time the model can fit (${RANGE_FIX})`,
);
test(
  'JSON with a time too long to fit',
  refuses,
  {'r.json': '{"rows": [{"hardware": "1 x pi", "measured_s": 1e308}]}'},
  ['r.json'],
  `r.json: rows[0].measured_s: 1e+308 s is longer than any time the model can fit (${RANGE_FIX})`,
);
test(
  'JSON with a run too long to fit',
  refuses,
  {'r.json': '{"rows": [{"hardware": "1 x pi", "runs": [{"seconds": 2}, {"seconds": 1e308}]}]}'},
  ['r.json'],
  `r.json: rows[0].runs[1].seconds: 1e+308 s is longer than any time the model can fit (${RANGE_FIX})`,
);
test(
  'JSON with a run too short to fit',
  refuses,
  {'r.json': '{"rows": [{"hardware": "1 x pi", "runs": [{"seconds": 1e-200}]}]}'},
  ['r.json'],
  `r.json: rows[0].runs[0].seconds: 1e-200 s is shorter than any time the model can fit (${RANGE_FIX})`,
);

test('the ends of the range are fitted, with finite speeds', (t) => {
  const folder = folderWith({'t.csv': 'hardware,measured_s\n1 x pi,2e-6\n2 x pi,1e-6\n1 x desktop,1e9\n'});
  const analysis = analyzeTable(readObservedTable(`${folder}/t.csv`), {fit: 'relative'});
  t.true([analysis.work_s, ...Object.values(analysis.speeds)].every(Number.isFinite));
});
test(
  'a row with too few cells',
  refuses,
  {'t.csv': 'hardware,cores,measured_s\n1 x pi,4\n'},
  ['t.csv'],
  't.csv:2: 2 cells where the header has 3 (every row needs one cell per column)',
);
test(
  'fewer rows than kinds',
  refuses,
  {'t.csv': 'hardware,measured_s\n"1 x pi, 1 x desktop, 1 x laptop",30\n1 x pi,100\n'},
  ['t.csv'],
  't.csv: measured_s: 3 kinds of host (pi, desktop, laptop) but only 2 row(s) with a time (the model needs at least one row per kind: add rows)',
);
test(
  'a missing file',
  refuses,
  {},
  ['none.csv'],
  'none.csv: results file not found (pass a results CSV or JSON written by cluster bench)',
);
test(
  'JSON that is not JSON',
  refuses,
  {'r.json': '{"rows": ['},
  ['r.json'],
  'r.json: not valid JSON (Unexpected end of JSON input) (pass the JSON written by cluster bench (results/<id>.json or --json), or a results CSV)',
);
test(
  'JSON without rows',
  refuses,
  {'r.json': '{"latencies": []}'},
  ['r.json'],
  'r.json: rows: no rows array (pass the JSON written by cluster bench (results/<id>.json or --json), or a results CSV)',
);
test(
  'JSON with a bad time',
  refuses,
  {'r.json': '{"rows": [{"hardware": "local-a", "measured_s": "9"}]}'},
  ['r.json'],
  'r.json: rows[0].measured_s: expected a number above 0, got "9" (a time in seconds, or null for a failed combination)',
);
test(
  'JSON with bad cores: told what cores are, not a time',
  refuses,
  {'r.json': '{"rows": [{"hardware": "local-a", "measured_s": 9, "cores": -1}]}'},
  ['r.json'],
  'r.json: rows[0].cores: expected a number above 0, got -1 (how many cores the combination had (a whole number), or null)',
);
test(
  'JSON with a bad hardware',
  refuses,
  {'r.json': '{"rows": [{"hardware": "2 x", "measured_s": 9}]}'},
  ['r.json'],
  `r.json: rows[0].hardware: cannot read '2 x' as a count and a kind of host (${HARDWARE_FIX})`,
);
test(
  '--predict that cannot be read',
  refuses,
  {'t.csv': GOOD},
  ['t.csv', '--predict', '0 x pi'],
  `--predict: '0 x pi': a count must be a whole number from 1 to 10000 (${HARDWARE_FIX})`,
);

test('a combination without a time (failed in the sweep) is left out and said so', (t) => {
  const folder = folderWith({
    't.csv': 'hardware,cores,measured_s,min_s,max_s\nlocal-a,1,10,9.5,10.5\n"local-a, local-b",2,,,\nlocal-b,1,5,,\n',
  });
  const table = readObservedTable(`${folder}/t.csv`);
  t.deepEqual(table.skipped, ['line 3 (local-a, local-b): no measured time']);
  t.deepEqual(
    table.rows.map((row) => [row.hardware, row.measured_s, row.cores, row.min_s, row.max_s]),
    [
      ['local-a', 10, 1, 9.5, 10.5],
      ['local-b', 5, 1, null, null],
    ],
  );
});

test(
  'quoted kinds are read from a CSV, and named as --predict would take them',
  refuses,
  {'t.csv': 'hardware,measured_s\n"1 x ""pi, 4GB""",100\n"1 x ""pi, 4GB"", 1 x desktop",25\n'},
  ['t.csv', '--predict', '2 x gpu'],
  '--predict: 2 x gpu: no speed for gpu: the table has "pi,-4gb", desktop (predict combinations of the kinds the table measured)',
);
