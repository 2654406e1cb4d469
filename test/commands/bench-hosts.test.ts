import test from 'ava';
import {cluster} from '../helpers/cli.js';
import {folderWith, smallExperiment, TWO_LOCAL_HOSTS} from '../helpers/files.js';

test('bench --hosts keeps the combinations made of those hosts; an experiment without combinations adds hosts one at a time', async (t) => {
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/local.yaml': smallExperiment(),
    'auto.yaml': smallExperiment({combinations: '\n'}).replace('combinations: \n', ''),
  });
  const one = await cluster(['bench', '--hosts', 'local-a', '--json'], folder);
  t.is(one.exitCode, 0, one.stderr);
  t.deepEqual(
    JSON.parse(one.stdout).rows.map((row: {hosts: string[]}) => row.hosts),
    [['local-a']],
  );
  const auto = await cluster(['bench', '--experiment', 'auto.yaml', '--json'], folder);
  t.is(auto.exitCode, 0, auto.stderr);
  t.deepEqual(
    JSON.parse(auto.stdout).rows.map((row: {hosts: string[]}) => row.hosts),
    [['local-a'], ['local-a', 'local-b']],
  );
});
