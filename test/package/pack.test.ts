import {mkdtempSync, readdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {smallExperiment} from '../helpers/files.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** npm's own variables (set when the suite runs under `npm test`) must not leak into the user's npm. */
function userEnv(): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name, value]) => !/^npm_/i.test(name) && value !== undefined),
  ) as Record<string, string>;
  return {...env, PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`, NO_COLOR: '1'};
}

test('the packed tarball installs globally and runs init, bench, status, help and a suggestion in an empty folder', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'cluster-pack-'));
  const env = userEnv();
  // --ignore-scripts: pack the dist/ this suite was built from, without rebuilding it under the other tests.
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    env,
    extendEnv: false,
  });
  const [{filename, files}] = JSON.parse(packed.stdout) as [{filename: string; files: {path: string}[]}];
  const paths = files.map((file) => file.path);
  const docs = readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`);
  t.deepEqual(paths.filter((path) => !path.startsWith('dist/src/')).sort(), [
    'LICENSE',
    'README.md',
    'bin/run.js',
    'dist/worker.mjs',
    ...docs.sort(),
    'experiments/lab-paper-results.csv',
    'experiments/lab/network-paper.yaml',
    'experiments/lab/paper.yaml',
    'experiments/lab/twin-paper.yaml',
    'experiments/local-large.yaml',
    'experiments/local.yaml',
    'experiments/network-local.yaml',
    'experiments/paper-table1-results.csv',
    'experiments/paper-table1.yaml',
    'inventory.ansible.example.yaml',
    'inventory.example.yaml',
    'inventory.yaml',
    'package.json',
    'python/dask_driver.py',
    'python/torch_driver.py',
  ]);
  t.true(
    paths.every((path) => !path.startsWith('dist/src/') || path.endsWith('.js')),
    'no source maps, no tests, no sources',
  );
  t.true(paths.includes('dist/src/commands/init.js'));

  const prefix = join(work, 'prefix');
  // The dependencies come from npm's cache when it has them (npm ci filled it), else from the registry.
  await execa(
    'npm',
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, filename)],
    {env, extendEnv: false},
  );
  const bin = join(prefix, 'bin', 'cluster');
  const folder = mkdtempSync(join(tmpdir(), 'cluster-user-'));
  const run = (...args: string[]) =>
    execa(bin, args, {cwd: folder, env, extendEnv: false, reject: false, stripFinalNewline: false});

  const before = await run('bench');
  t.is(before.exitCode, 2);
  t.regex(
    before.stderr,
    new RegExp(
      `run: cluster init .* an example with SSH hosts: ${prefix}/lib/node_modules/cluster/inventory\\.example\\.yaml\\)\\n$`,
    ),
  );

  const init = await run('init');
  t.is(init.exitCode, 0, init.stderr);
  // init's own experiment takes about a minute here; a smaller one keeps the suite short. Like init's, it names no combinations.
  writeFileSync(
    join(folder, 'experiments/local.yaml'),
    smallExperiment({combinations: ''}).replace(/^combinations: \n/m, ''),
  );
  const bench = await run('bench');
  t.is(bench.exitCode, 0, bench.stderr);
  t.regex(bench.stdout, /│ Hardware +│ Cores │/);
  t.regex(bench.stdout, /│ local-a, local-b +│ \d+ +│/);
  t.regex(bench.stdout, /^Saved: results\/\S+-small\.jsonl, /m);

  const status = await run('status');
  t.is(status.exitCode, 0, status.stderr);
  t.regex(status.stdout, /│ local-a +│ local +│/);
  const help = await run('help');
  t.regex(help.stdout, /^ {2}init +Write inventory\.yaml/m);
  const typo = await run('bnech');
  t.is(
    typo.stderr,
    'Error: cluster bnech: unknown command (did you mean: cluster bench? all commands: cluster help)\n',
  );
  t.is(typo.exitCode, 2);
});
