import Table from 'cli-table3';
import type {colours} from '../report/colour.js';
import {printable} from '../text/printable.js';
import type {HostStatus} from './status.js';

type Colours = ReturnType<typeof colours>;

/**
 * The status table, then each host's warnings and error. Every cell a host told us (its Node.js,
 * arch, Python, its errors) is outside text: escaped before our own colours go on.
 */
export function renderStatus(
  statuses: readonly HostStatus[],
  {calibrated, paint}: {calibrated: boolean; paint: Colours},
): string {
  const {red, green, yellow} = paint;
  const head = [
    'Host',
    'Reachable',
    'Latency',
    'Arch',
    'Cores (host/inventory)',
    'Memory',
    'Node.js',
    'Worker',
    'Dask engine',
    'Torch engine',
    ...(calibrated ? ['Trees/s'] : []),
  ];
  const table = new Table({head, style: {head: [], border: []}});
  for (const s of statuses) {
    table.push([
      printable(s.host),
      s.transport === 'local' ? 'local' : s.reachable ? green('yes') : red('NO'),
      s.latencyMs === null ? '' : `${s.latencyMs.toFixed(1)} ms`,
      printable(s.arch ?? ''),
      `${s.nproc ?? '?'}/${s.cores}${s.coresFromHost ? ' (from the host)' : ''}`,
      s.memoryBytes === null ? '' : `${(s.memoryBytes / 2 ** 30).toFixed(1)} GiB`,
      printable(s.node ?? (s.reachable ? 'missing' : '')),
      s.workerUpToDate === null ? '' : s.workerUpToDate ? green('up to date') : red('NOT INSTALLED'),
      printable(s.dask ? `sklearn ${s.dask.sklearn}, distributed ${s.dask.distributed}` : s.reachable ? 'missing' : ''),
      printable(s.torch ? `torch ${s.torch.torch}` : s.reachable ? 'missing' : ''),
      ...(calibrated ? [s.treesPerSecond === null ? '' : s.treesPerSecond.toFixed(1)] : []),
    ]);
  }
  const notes = statuses.flatMap((s) => [
    ...s.warnings.map((warning) => `${yellow('Warning:')} ${printable(`${s.host}: ${warning}`)}`),
    ...(s.error ? [`${red('Error:')} ${printable(s.error)}`] : []),
  ]);
  return [table.toString(), ...notes].join('\n');
}
