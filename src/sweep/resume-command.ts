import {shellQuote} from '../text/shell-quote.js';

/** The flags a sweep was started with that its --resume needs again; defaults are left out. */
export interface SweepFlags {
  inventory: string;
  experiment: string;
  resultsDir: string;
  /** --hosts: it chose the combinations, which the journal's fingerprint covers. */
  hosts?: string;
  schedule?: string;
  runs?: string;
  warmup?: string;
  order?: string;
  engine?: string;
  scheduler?: string;
  /** --fail-on-noise: the resumed sweep must end with the same exit code. */
  failOnNoise?: boolean;
  exports: Record<string, string | undefined>;
}

const DEFAULTS = {inventory: 'inventory.yaml', experiment: 'experiments/local.yaml', resultsDir: 'results'};

/** `cluster bench --resume <id>` and every flag that must match (-i, -e, --results-dir, --hosts, --schedule, --runs, --warmup), keeps the order (--order) or was asked for (--fail-on-noise, exports), quoted for a shell. */
export function resumeCommandFor(id: string, flags: SweepFlags): string {
  const parts = ['cluster', 'bench', '--resume', id];
  if (flags.inventory !== DEFAULTS.inventory) parts.push('-i', flags.inventory);
  if (flags.experiment !== DEFAULTS.experiment) parts.push('-e', flags.experiment);
  if (flags.resultsDir !== DEFAULTS.resultsDir) parts.push('--results-dir', flags.resultsDir);
  if (flags.hosts) parts.push('--hosts', flags.hosts);
  if (flags.schedule) parts.push('--schedule', flags.schedule);
  for (const flag of ['runs', 'warmup', 'order'] as const)
    if (flags[flag] !== undefined) parts.push(`--${flag}`, flags[flag]!);
  if (flags.engine) parts.push('--engine', flags.engine);
  if (flags.scheduler) parts.push('--scheduler', flags.scheduler);
  if (flags.failOnNoise) parts.push('--fail-on-noise');
  for (const [flag, value] of Object.entries(flags.exports)) if (value) parts.push(`--${flag}`, value);
  return parts.map(shellQuote).join(' ');
}

/**
 * This bench's command line with --latency cut down to the latencies not measured yet: what
 * continues a latency sweep (a --resume would continue at the latency the links were set back to).
 */
export function continueLatenciesCommand(argv: readonly string[], remaining: readonly string[]): string {
  const kept = argv.filter(
    (arg, i) => arg !== '--latency' && argv[i - 1] !== '--latency' && !arg.startsWith('--latency='),
  );
  return ['cluster', 'bench', ...kept, '--latency', remaining.join(',')].map(shellQuote).join(' ');
}
