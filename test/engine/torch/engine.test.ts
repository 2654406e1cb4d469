import {randomUUID} from 'node:crypto';
import {chmodSync, readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';
import {execa} from 'execa';
import {loadExperiment} from '../../../src/config/experiment.js';
import {loadInventory} from '../../../src/config/inventory.js';
import {runBench} from '../../../src/sweep/sweep.js';
import {GroupFailed, runGroup} from '../../../src/engine/torch/group.js';
import {glooBinds, openTorchHosts} from '../../../src/engine/torch/hosts.js';
import {networkWorkload} from '../../../src/workload/network.js';
import {cluster} from '../../helpers/cli.js';
import {folderWith, TWO_LOCAL_HOSTS} from '../../helpers/files.js';
import {listenersOf} from '../../helpers/listeners.js';
import {processesTagged, waitFor} from '../../helpers/processes.js';

// PyTorch comes from Debian's python3-torch (CI installs it): /usr/bin/python3.
const RUN = fileURLToPath(new URL('../../../../bin/run.js', import.meta.url));
const network = (epochs: number, combinations = '[[local-a], [local-a, local-b]]') => `name: torch-small
workload: network
dataset: { kind: synthetic, samples: 4000, features: 12, informative: 6, classes: 3, seed: 2 }
network: { layers: [32, 16], epochs: ${epochs}, batchSize: 100, learningRate: 0.003, optimizer: adam, seed: 5 }
combinations: ${combinations}
runs: 1
warmup: 0
`;

/** The torch ranks among the tagged processes: pid and host name (the last word of its command line). */
/** Sockets a process holds on descriptors past 0, 1 and 2. */
function socketsPastStdio(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).filter(
      (fd) => Number(fd) > 2 && /^socket:/.test(readlinkSafe(`/proc/${pid}/fd/${fd}`)),
    ).length;
  } catch {
    return 0;
  }
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function torchRanks(tag: string): {pid: number; host: string}[] {
  return processesTagged(tag).flatMap(({pid}) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      return argv.includes('rank') && argv.some((arg) => arg.includes('torch_driver.py'))
        ? [{pid, host: argv.at(-1)!}]
        : [];
    } catch {
      return [];
    }
  });
}

test.serial(
  'bench --engine native,torch: both tables, the comparison with each host step, accuracy within 2 points, no rank left',
  async (t) => {
    const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': network(25)});
    const tag = `torch-both-${randomUUID()}`;
    const result = await cluster(['bench', '--engine', 'native,torch'], folder, {CLUSTER_TEST_TAG: tag});
    t.is(result.exitCode, 0, result.stderr);
    t.regex(result.stdout, /\nEngine torch:\n┌[\s\S]*PyTorch's DistributedDataParallel over gloo/);
    t.regex(
      result.stdout,
      /Not in the measured time: starting each host's Python, importing torch, .* \d+\.\d\d s a run/,
    );
    t.regex(
      result.stdout,
      /│ Hardware +│ Cores │ native \(s\) │ torch \(s\) │ torch \/ native │ native accuracy │ torch accuracy │/,
    );
    t.regex(
      result.stdout,
      /Each step, per host[^\n]*\n[\s\S]*│ native: host compute\/exchange\/wait \(ms\) │ torch: host compute\/exchange\/wait \(ms\) │/,
    );
    t.regex(result.stdout, /│ local-a +│ local-a \d+\.\d\/\d+\.\d\/\d+\.\d +│ local-a \d+\.\d\/\d+\.\d\/\d+\.\d/);
    const saved = readdirSync(join(folder, 'results')).filter((name) => name.endsWith('.json'));
    const results = Object.fromEntries(
      saved.map((name) => JSON.parse(readFileSync(join(folder, 'results', name), 'utf8'))).map((r) => [r.engine, r]),
    );
    for (const i of [0, 1]) {
      const [native, torch] = [results.native.rows[i], results.torch.rows[i]];
      t.is(torch.status, 'ok', torch.error);
      t.true(Math.abs(torch.accuracy - native.accuracy) <= 0.02, `torch ${torch.accuracy}, native ${native.accuracy}`);
      t.true(torch.accuracy > 0.6, `torch accuracy ${torch.accuracy}`);
    }
    const pair = results.torch.rows[1].runs[0];
    t.deepEqual(
      pair.hosts.map((h: {host: string}) => h.host),
      ['local-a', 'local-b'],
    );
    // Each rank computed half of every batch: DDP's equal split.
    t.is(pair.hosts[0].items, pair.hosts[1].items);
    t.true(pair.startSeconds > 0);
    t.deepEqual(torchRanks(tag), []);
    t.deepEqual(processesTagged(tag), []);
  },
);

test.serial(
  'a torch rank killed mid-run fails its run as DDP does, with both hosts in the fault; the sweep goes on',
  async (t) => {
    const folder = folderWith({
      'inventory.yaml': TWO_LOCAL_HOSTS,
      'experiment.yaml': network(400, '[[local-a, local-b], [local-a]]'),
    });
    const tag = `torch-kill-${randomUUID()}`;
    process.env.CLUSTER_TEST_TAG = tag;
    const killed: number[] = [];
    const experiment = loadExperiment(join(folder, 'experiment.yaml'));
    experiment.network!.epochs = 400;
    try {
      const result = await runBench({
        experiment,
        inventory: loadInventory(join(folder, 'inventory.yaml')),
        resultsDir: join(folder, 'results'),
        engine: 'torch',
        onProgress: (p) => {
          // Rank 0's first report: the group trains. Then local-b's rank dies.
          if (p.done < 1 || killed.length > 0 || p.combination !== 1) return;
          const rank = torchRanks(tag).find((r) => r.host === 'local-b');
          if (rank) {
            killed.push(rank.pid);
            process.kill(rank.pid, 'SIGKILL');
            // The second row is one host alone: a short run is enough.
            experiment.network!.epochs = 2;
          }
        },
      });
      t.is(killed.length, 1);
      const [pair, alone] = result.rows;
      t.is(pair.status, 'failed');
      t.regex(
        pair.error!,
        /the DistributedDataParallel group failed, as DDP does when one rank is lost: local-b: the torch rank exited \(SIGKILL\); local-a: stopped with its group/,
      );
      t.is(alone.status, 'ok', alone.error);
    } finally {
      delete process.env.CLUSTER_TEST_TAG;
    }
    t.deepEqual(torchRanks(tag), []);
  },
);

test.serial('Ctrl-C during a torch sweep stops every rank', async (t) => {
  const folder = folderWith({
    'inventory.yaml': TWO_LOCAL_HOSTS,
    'experiments/local.yaml': network(2000, '[[local-a, local-b]]'),
  });
  const tag = `torch-int-${randomUUID()}`;
  const bench = execa(process.execPath, [RUN, 'bench', '--engine', 'torch'], {
    cwd: folder,
    reject: false,
    env: {CLUSTER_TEST_TAG: tag},
  });
  // Once both ranks hold a socket past their standard input, output and error, gloo has connected them: the group trains.
  // Gloo listens only while the group forms: every listener seen meanwhile is on the loopback.
  const seen: string[] = [];
  await waitFor(() => {
    const ranks = torchRanks(tag);
    for (const rank of ranks) seen.push(...listenersOf(rank.pid).map((l) => l.address));
    return ranks.length === 2 && ranks.every((r) => socketsPastStdio(r.pid) > 0) ? ranks : undefined;
  }, 120_000);
  t.true(
    seen.every((address) => address === '127.0.0.1'),
    seen.join(', '),
  );
  bench.kill('SIGINT');
  const result = await bench;
  t.is(result.exitCode, 130, String(result.stderr));
  t.regex(
    String(result.stderr),
    /^Error: interrupted by SIGINT; finished results were kept; continue with: cluster bench --resume \S+ --engine torch$/m,
  );
  t.deepEqual(torchRanks(tag), []);
  t.deepEqual(processesTagged(tag), []);
});

test.serial(
  'provision --engine torch refuses a host whose Python lacks torch, with the command that installs it',
  async (t) => {
    const folder = folderWith({
      'no-torch-python': '#!/bin/sh\n# Without site-packages: no numpy or torch.\nexec /usr/bin/python3 -S "$@"\n',
      'inventory.yaml': `hosts:
  local-a: { transport: local, cores: 1 }
  local-b: { transport: local, cores: 1, python: ./no-torch-python }
`,
    });
    chmodSync(join(folder, 'no-torch-python'), 0o755);
    const result = await cluster(['provision', '--engine', 'torch'], folder);
    t.is(result.exitCode, 3, result.stderr);
    t.regex(result.stdout, /│ local-a +│ ok +│ \/usr\/bin\/python3 3\.\d+\.\d+ +│ 1\.13/);
    t.regex(result.stdout, /│ local-b +│ FAILED/);
    t.regex(
      result.stdout,
      /Error: host local-b: \.\/no-torch-python cannot run the torch engine \(.*No module named .*\); install PyTorch: sudo apt install python3-torch/,
    );
  },
);

test('a forest is refused by the torch engine and a network by the dask engine, with the reason', async (t) => {
  const folder = folderWith({'inventory.yaml': TWO_LOCAL_HOSTS, 'experiments/local.yaml': network(1)});
  const dask = await cluster(['bench', '--engine', 'native,dask'], folder);
  t.is(dask.exitCode, 2);
  t.regex(dask.stderr, /^Error: --engine: the dask engine trains forests only/m);
  t.false(dask.stdout.includes('Engine native'), 'nothing ran before the refusal');
});

test.serial(
  'provision --engine torch refuses a host with another torch than the others, naming both sides',
  async (t) => {
    const folder = folderWith({
      // A Python that answers the versions report as a host with torch 2.1.0 would.
      'other-torch-python': `#!/bin/sh\necho '{"python": "3.11.2", "torch": "2.1.0", "numpy": "1.26.4"}'\n`,
      'inventory.yaml': `hosts:
  local-a: { transport: local, cores: 1 }
  local-b: { transport: local, cores: 1, python: ./other-torch-python }
`,
    });
    chmodSync(join(folder, 'other-torch-python'), 0o755);
    const result = await cluster(['provision', '--engine', 'torch'], folder);
    t.is(result.exitCode, 3, result.stderr);
    t.regex(
      result.stdout,
      /Error: host local-b: torch 2\.1\.0 \(\.\/other-torch-python\) against 1\.13[^ ]* on local-a \(\/usr\/bin\/python3\): DistributedDataParallel needs the same torch on every host/,
    );
  },
);

test.serial(
  'a rank that never joins its group fails the run after the join deadline, and every rank is stopped',
  async (t) => {
    const folder = folderWith({
      // Answers the versions report as the real Python does, then hangs as a rank (a host stuck importing torch).
      'stuck-python': '#!/bin/sh\ncase "$*" in *"rank local-b") exec sleep 600 ;; esac\nexec /usr/bin/python3 "$@"\n',
      'inventory.yaml': `hosts:
  local-a: { transport: local, cores: 1 }
  local-b: { transport: local, cores: 1, python: ./stuck-python }
`,
      'experiment.yaml': network(2, '[[local-a, local-b]]'),
    });
    chmodSync(join(folder, 'stuck-python'), 0o755);
    const tag = `torch-stuck-${randomUUID()}`;
    process.env.CLUSTER_TEST_TAG = tag;
    const cwd = process.cwd();
    process.chdir(folder);
    try {
      const inventory = loadInventory(join(folder, 'inventory.yaml'));
      const hosts = await openTorchHosts(inventory, [...inventory.hosts.values()]);
      const experiment = loadExperiment(join(folder, 'experiment.yaml'));
      const data = networkWorkload.prepare(experiment);
      const failed = await t.throwsAsync(
        runGroup({
          hosts,
          binds: glooBinds(hosts),
          spec: experiment.network!,
          train: data.train,
          test: data.test,
          timeoutSeconds: 30,
          onProgress: () => undefined,
          joinSeconds: 5,
        }),
      );
      t.true(failed instanceof GroupFailed);
      t.deepEqual(
        (failed as GroupFailed).faults.map((fault) => [fault.host, fault.reason]),
        [
          ['local-b', 'torch'],
          ['local-a', 'torch-group'],
        ],
      );
      t.regex((failed as GroupFailed).faults[0].message, /did not join the group within 5 s/);
    } finally {
      process.chdir(cwd);
      delete process.env.CLUSTER_TEST_TAG;
    }
    t.deepEqual(processesTagged(tag), []);
  },
);
