import {copyFileSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {paste} from '../helpers/faults.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

const PAPER_CSV = fileURLToPath(new URL('../../../experiments/paper-table1-results.csv', import.meta.url));

function paperFolder(): string {
  const folder = folderWith();
  copyFileSync(PAPER_CSV, join(folder, 'paper.csv'));
  return folder;
}

test('analyze on the shipped paper table prints the speeds, the residuals and no warning', async (t) => {
  const result = await cluster(['analyze', 'paper.csv'], paperFolder());
  t.is(result.exitCode, 0, result.stderr);
  t.is(result.stderr, '');
  const lines = result.stdout.split('\n');
  t.is(
    lines[0],
    "Capacity model of paper.csv: time = work / sum of the hosts' speeds, fitted by least squares on the relative errors of the times on 6 rows.",
  );
  t.is(lines[1], 'Work: 900.9 s on one raspberry-pi host (speed 1).');
  t.regex(result.stdout, /^Kind {10}Speed {2}95% interval {5}Cores {2}Per core \(raspberry-pi cores\)$/m);
  t.regex(result.stdout, /^raspberry-pi {2}1\.000 {2}\(unit\) +4 {6}1\.00$/m);
  t.regex(result.stdout, /^desktop {7}2\.862 {2}2\.514 to 3\.210 +7 {6}1\.64$/m);
  t.regex(result.stdout, /^4 x Raspberry Pi, 1 x Desktop {14}134\.00 {8}131\.29 {5}-2\.0%$/m);
  t.regex(
    result.stdout,
    /^No row's residual exceeds its run-to-run spread \(5\.0% where none is known\): capacity explains every row\.$/m,
  );
});

test("--fit rates gives the issue's figures; --predict and --next answer; --json has the documented fields", async (t) => {
  const result = await cluster(
    [
      'analyze',
      'paper.csv',
      '--fit',
      'rates',
      '--predict',
      '3 x raspberry-pi, 2 x desktop',
      '--predict',
      '8 Raspberry Pi',
      '--next',
      '--json',
    ],
    paperFolder(),
  );
  t.is(result.exitCode, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  t.deepEqual(Object.keys(json.speeds), ['raspberry-pi', 'desktop', 'laptop']);
  t.is(json.speeds.desktop.toFixed(2), '2.99');
  t.is(json.speeds.laptop.toFixed(2), '0.45');
  t.is(Math.round(json.work_s), 923);
  t.deepEqual(
    json.rows.map((row: {predicted_s: number}) => Math.round(row.predicted_s)),
    [923, 231, 185, 154, 132, 124],
  );
  t.is(json.rows[0].residual.toFixed(4), ((922.816 - 901) / 901).toFixed(4));
  for (const row of json.rows)
    t.deepEqual(Object.keys(row).slice(0, 4), ['hardware', 'measured_s', 'predicted_s', 'residual']);
  t.is(json.speeds_ci95.desktop.length, 2);
  t.deepEqual(
    json.predictions.map((p: {hardware: string; cores: number}) => [p.hardware, p.cores]),
    [
      ['3 x raspberry-pi, 2 x desktop', 26],
      ['8 x raspberry-pi', 32],
    ],
  );
  t.is(json.predictions[1].scalability.toFixed(3), ((901 * 4) / 32 / json.predictions[1].predicted_s).toFixed(3));
  t.deepEqual(
    json.next.add.map((h: {kind: string; saved_per_core_s: number}) => [h.kind, h.saved_per_core_s.toFixed(2)]),
    [
      ['raspberry-pi', '3.67'],
      ['desktop', '5.07'],
      ['laptop', '1.02'],
    ],
  );

  const text = await cluster(
    ['analyze', 'paper.csv', '--fit', 'rates', '--predict', '3 x raspberry-pi, 2 x desktop', '--next'],
    paperFolder(),
  );
  t.regex(
    text.stdout,
    /^Predicted:\nHardware {23}Cores {2}Model \(s\) {2}Scalability\n3 x raspberry-pi, 2 x desktop {2}26 {5}102\.82 {5}1\.348$/m,
  );
  t.regex(
    text.stdout,
    /^One more host for 4 x Raspberry Pi, 1 x Desktop, 1 x Laptop \(measured 124\.00 s, model 124\.00 s\):$/m,
  );
  t.regex(text.stdout, /^Most time saved per host: desktop; per core: desktop\.$/m);
});

// Serial: the sweep runs before this file's other commands start, on a quieter machine.
test.serial(
  'analyze reads the JSON of a real bench sweep: its hosts, every run, intervals from the runs',
  async (t) => {
    const folder = folderWith({
      'inventory.yaml': TWO_LOCAL_HOSTS,
      // Runs of a few tenths of a second, not milliseconds: with 4 trees on 300 rows a loaded machine
      // made the pair slower than either host alone, and the model could not be fitted (model: null).
      'experiments/local.yaml': smallExperiment({
        dataset: '{ kind: synthetic, samples: 3000, features: 8, informative: 4, classes: 2, seed: 1 }',
        forest: '{ trees: 24, seed: 7 }',
        combinations: '[[local-a], [local-b], [local-a, local-b]]',
        extra: 'runs: 2\nheartbeatTimeout: 120',
      }).replace('runs: 1\n', ''),
    });
    const bench = await cluster(
      ['bench', '--export-json', 'sweep.json', '--export-markdown', 'sweep.md', '--export-scaling', 'sweep.svg'],
      folder,
    );
    t.is(bench.exitCode, 0, bench.stderr);
    // The bench fits the model itself: in its JSON, its Markdown and its scaling chart.
    const model = JSON.parse(readFileSync(join(folder, 'sweep.json'), 'utf8')).model;
    t.deepEqual(Object.keys(model.speeds), ['local-a', 'local-b']);
    t.is(model.rows.length, 3);
    const markdown = readFileSync(join(folder, 'sweep.md'), 'utf8');
    t.regex(markdown, /^## Capacity model$/m);
    t.regex(markdown, /^\| local-b \| \d+\.\d{3} \| -?\d+\.\d{3} to \d+\.\d{3} \| \d+\.\d\d \|$/m);
    t.regex(markdown, /^\| local-a, local-b \| \d+\.\d\d \| \d+\.\d\d \| [+-]\d+\.\d% \| (\d+\.\d%)? \|$/m);
    t.regex(readFileSync(join(folder, 'sweep.svg'), 'utf8'), /capacity model<\/text>/);
    // The Markdown's analyze command, pasted where bench ran, reads the sweep (it gave a bare <id>.json, which is in results/).
    const hint = /`(cluster analyze [^`]+)`/.exec(markdown)![1];
    t.regex(hint, /^cluster analyze results\/[^ ]+\.json$/);
    const pasted = await paste(hint, folder, 'analyze-hint');
    t.is(pasted.exitCode, 0, pasted.stderr);
    t.regex(pasted.stdout, /local-b/);
    const result = await cluster(['analyze', 'sweep.json', '--predict', 'local-a, local-b', '--json'], folder);
    t.is(result.exitCode, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    t.is(json.base_kind, 'local-a');
    t.deepEqual(Object.keys(json.speeds), ['local-a', 'local-b']);
    t.is(json.ci_source, 'runs');
    t.true(json.speeds['local-b'] > 0);
    t.deepEqual(
      json.rows.map((row: {hardware: string}) => row.hardware),
      ['local-a', 'local-b', 'local-a, local-b'],
    );
    t.true(json.rows.every((row: {spread: number | null; predicted_s: number}) => row.predicted_s > 0));
    t.is(json.predictions[0].cores, 2);
    // The CSV the same sweep saved reads too, with its min/max as the spread.
    const csv = readdirSync(join(folder, 'results')).find((name) => name.endsWith('.csv'))!;
    const fromCsv = await cluster(['analyze', join('results', csv)], folder);
    t.is(fromCsv.exitCode, 0, fromCsv.stderr);
    t.regex(fromCsv.stdout, /^local-a, local-b +\d+\.\d\d +\d+\.\d\d +[+-]\d+\.\d%/m);
  },
);

// Labels of any printable text: bench spells them so that analyze reads back its own CSV and JSON
// (a label "pi, 4GB" gave model: null, and analyze refused the files); Markdown keeps one cell each.
test.serial(
  'what bench writes with labels of any text, analyze reads back: its JSON, its CSV; Markdown cells stay cells',
  async (t) => {
    const labels = ['pi, 4GB', 'Raspberry Pi 4 (4GB) | "fast"'];
    const folder = folderWith({
      'inventory.yaml': `hosts:\n  local-a: { transport: local, labels: ['${labels[0]}'] }\n  local-b: { transport: local, labels: ['${labels[1]}'] }\n  4pi: { transport: local }\n`,
      // Runs of tenths of a second, so that the capacity model can be fitted on a loaded machine too.
      'experiments/local.yaml': smallExperiment({
        dataset: '{ kind: synthetic, samples: 3000, features: 8, informative: 4, classes: 2, seed: 1 }',
        forest: '{ trees: 24, seed: 7 }',
        combinations: '[[local-a], [local-b], [4pi], [local-a, local-b, 4pi]]',
      }),
    });
    const bench = await cluster(
      ['bench', '--export-json', 'sweep.json', '--export-csv', 'sweep.csv', '--export-markdown', 'sweep.md'],
      folder,
    );
    t.is(bench.exitCode, 0, bench.stderr);
    const saved = JSON.parse(readFileSync(join(folder, 'sweep.json'), 'utf8'));
    const pb = '"Raspberry Pi 4 (4GB) | ""fast"""';
    t.deepEqual(
      saved.rows.map((row: {hardware: string}) => row.hardware),
      ['1 x "pi, 4GB"', `1 x ${pb}`, '1 x 4pi', `1 x "pi, 4GB", 1 x ${pb}, 1 x 4pi`],
    );
    const kinds = ['pi,-4gb', 'raspberry-pi-4-(4gb)-|-"fast"', '4pi'];
    t.deepEqual(Object.keys(saved.model.speeds), kinds);
    for (const file of ['sweep.json', 'sweep.csv']) {
      const analysis = await cluster(['analyze', file, '--json'], folder);
      t.is(analysis.exitCode, 0, analysis.stderr);
      t.deepEqual(Object.keys(JSON.parse(analysis.stdout).speeds), kinds, file);
    }
    // --predict takes the kinds as analyze prints them.
    const predicted = await cluster(['analyze', 'sweep.csv', '--predict', '2 x "pi,-4gb", 1 x 4pi', '--json'], folder);
    t.is(predicted.exitCode, 0, predicted.stderr);
    t.is(JSON.parse(predicted.stdout).predictions[0].hardware, '2 x "pi,-4gb", 1 x 4pi');
    const markdown = readFileSync(join(folder, 'sweep.md'), 'utf8').split('\n');
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    const header = markdown.find((line) => line.startsWith('| Hardware | Cores'))!;
    const rows = markdown.filter((line) => line.startsWith('| 1 x '));
    t.is(rows.length, 4 + 4, "the results table and the model's");
    t.true(
      rows.slice(0, 4).every((line) => cells(line) === cells(header)),
      rows.join('\n'),
    );
    t.true(
      rows.slice(4).every((line) => cells(line) === 7),
      rows.join('\n'),
    );
  },
);

const refuses = test.macro(async (t, files: Record<string, string>, args: string[], message: string) => {
  const result = await cluster(['analyze', ...args], folderWith(files));
  t.is(result.stderr, `Error: ${message}\n`);
  t.is(result.exitCode, 2);
  t.is(result.stdout, '');
});

const HARDWARE_FIX = "write it as '4 x Raspberry Pi, 1 x Desktop', '1 Pi + desktop' or '2 x raspberry-pi, 1 x desktop'";
const GOOD = 'hardware,measured_s\n1 x pi,100\n"1 x pi, 1 x desktop",25\n';
test(
  'a missing column',
  refuses,
  {'t.csv': 'hardware,seconds\n1 x pi,10\n'},
  ['t.csv'],
  "t.csv:1: measured_s: no column named 'measured_s' (columns: hardware, seconds) (a results CSV needs a hardware column such as '4 x Raspberry Pi, 1 x Desktop' and a measured_s column of seconds)",
);
test(
  'a non-numeric time',
  refuses,
  {'t.csv': 'hardware,measured_s\n1 x pi,100\n2 x pi,fast\n'},
  ['t.csv'],
  "t.csv:3:2: measured_s: 'fast' is not a number (write the measured time in seconds, e.g. 901)",
);
test(
  'an unparsable hardware cell',
  refuses,
  {'t.csv': 'hardware,measured_s\n1 x pi,100\npi (4 cores),50\n'},
  ['t.csv'],
  `t.csv:3:1: hardware: cannot read 'pi (4 cores)' as a count and a kind of host (${HARDWARE_FIX})`,
);
test(
  'a kind never apart from another',
  refuses,
  {'t.csv': 'hardware,measured_s\n"1 x pi, 1 x desktop",30\n"2 x pi, 2 x desktop",16\n'},
  ['t.csv'],
  't.csv: hardware: the speeds of pi and desktop cannot be told apart: they never appear without each other in the same proportion (add a row where their counts differ, e.g. one of them alone)',
);
// Was "internal error: singular matrix", exit 1 (and 1e160 printed "Work: NaN s", exit 0).
test(
  'a time too short for the fit',
  refuses,
  {'t.csv': 'hardware,measured_s\n1 x pi,1e-160\n2 x pi,1e-160\n'},
  ['t.csv'],
  't.csv:2:2: measured_s: 1e-160 s is shorter than any time the model can fit (write a time in seconds from 1e-6 (a microsecond) to 1e9 (32 years))',
);
test(
  '--predict with an unknown kind',
  refuses,
  {'t.csv': GOOD},
  ['t.csv', '--predict', '2 x gpu'],
  '--predict: 2 x gpu: no speed for gpu: the table has pi, desktop (predict combinations of the kinds the table measured)',
);

// A hand-edited or foreign JSON: every field the model reads is checked for its type, and refused
// by its path (was "internal error: hosts.every is not a function", exit 1).
const JSON_FIX = 'pass the JSON written by cluster bench (results/<id>.json or --json), or a results CSV';
const HOSTS_FIX = 'a list of host names, as cluster bench writes it';
const sweep = (row: string) => ({
  'r.json': `{"baseline": ["local-a"], "rows": [{"hardware": "local-a", "measured_s": 9, "hosts": ["local-a"]}, {"hardware": "local-b", "measured_s": 5, ${row}}]}`,
});
for (const [hosts, got] of [
  ['"local-b"', '"local-b"'],
  ['3', '3'],
  ['null', 'null'],
  ['{"0": "local-b"}', 'an object'],
]) {
  test(
    `JSON whose hosts is ${got}`,
    refuses,
    sweep(`"hosts": ${hosts}`),
    ['r.json'],
    `r.json: rows[1].hosts: expected a list of host names, got ${got} (${HOSTS_FIX})`,
  );
}
test(
  'JSON whose hosts hold a number',
  refuses,
  sweep('"hosts": ["local-b", 7]'),
  ['r.json'],
  `r.json: rows[1].hosts[1]: expected a host name, got 7 (${HOSTS_FIX})`,
);
test(
  'JSON whose baseline is text',
  refuses,
  {'r.json': '{"baseline": "local-a", "rows": []}'},
  ['r.json'],
  `r.json: baseline: expected a list of host names, got "local-a" (${HOSTS_FIX})`,
);
test(
  'JSON whose rows is not a list',
  refuses,
  {'r.json': '{"rows": {"hardware": "local-a"}}'},
  ['r.json'],
  `r.json: rows: expected a list of rows, got an object (${JSON_FIX})`,
);
test(
  'JSON whose rows is text',
  refuses,
  {'r.json': '{"rows": "local-a,9"}'},
  ['r.json'],
  `r.json: rows: expected a list of rows, got "local-a,9" (${JSON_FIX})`,
);
test(
  'JSON that is a list',
  refuses,
  {'r.json': '[{"hardware": "local-a", "measured_s": 9}]'},
  ['r.json'],
  `r.json: expected an object with rows, got a list (${JSON_FIX})`,
);
test(
  'JSON with a row that is a number',
  refuses,
  {'r.json': '{"rows": [{"hardware": "local-a", "measured_s": 9}, 4]}'},
  ['r.json'],
  `r.json: rows[1]: expected a row (an object), got 4 (${JSON_FIX})`,
);
test(
  'JSON with a run that is a list',
  refuses,
  sweep('"runs": [[5]]'),
  ['r.json'],
  `r.json: rows[1].runs[0]: expected a run (an object with its seconds), got a list (${JSON_FIX})`,
);
test(
  'JSON with a status that is a number',
  refuses,
  sweep('"status": 1'),
  ['r.json'],
  `r.json: rows[1].status: expected text (ok or failed), got 1 (${JSON_FIX})`,
);
test(
  'JSON with an error that is a number',
  refuses,
  sweep('"status": "failed", "error": 42'),
  ['r.json'],
  `r.json: rows[1].error: expected text or an object with a message, got 42 (${JSON_FIX})`,
);

test('a failed row whose error is an object is left out, saying its message', async (t) => {
  const error = '{"kind": "host", "message": "host local-c: worker exited (code 1)", "exitCode": 3}';
  const files = {
    'r.json': `{"rows": [{"hardware": "local-a", "measured_s": 9}, {"hardware": "local-b", "measured_s": 5}, {"hardware": "local-c", "status": "failed", "measured_s": null, "error": ${error}}]}`,
  };
  const result = await cluster(['analyze', 'r.json'], folderWith(files));
  t.is(result.exitCode, 0, result.stderr);
  t.true(result.stdout.includes('Left out: rows[2] (local-c): host local-c: worker exited (code 1).'), result.stdout);
  t.notRegex(result.stdout, /object Object/);
});
