import type {TwinModel, TwinPlan} from './twin.js';

/**
 * What the twin measures unless the user edits it: Table I's sweep, at a size a 2-core machine runs
 * in minutes. Each tree costs a slot 2-3 ms of a core beyond its training (messages, GC), nothing
 * beside a real cluster's trees, but 7-11% of a tree on 15,000 x 20 (17 ms): the trees must be
 * large enough that this stays small, as on the cluster the twin copies; 60,000 rows make it 2-3%.
 */
const EXPERIMENT = [
  'dataset: { kind: synthetic, samples: 60000, features: 20, informative: 10, classes: 2, seed: 0 }',
  'forest: { trees: 300, seed: 0 }',
  'runs: 2',
  'warmup: 1',
];
/** A switched LAN's link, each way: the fit knows nothing of the network, so the user sets it. */
const LINK = 'latency: 1ms, jitter: 0.2ms';

/** The twin's lab spec and experiment, as YAML a user edits for what-ifs and passes to lab up --spec and bench --experiment. */
export function renderTwinSpec(model: TwinModel, plan: TwinPlan, name: string): string {
  const speeds = model.kinds.map((k) => `${k.kind} ${k.speed.toPrecision(4)} (${k.cores} cores)`).join(', ');
  const width = Math.max(...plan.hosts.map((h) => h.name.length));
  const lines = [
    `# A twin of the cluster measured in ${model.file}, written by cluster lab up --from.`,
    `# The fit's host speeds (one ${model.baseKind} host = 1): ${speeds}.`,
    `# Scaled to this machine: one ${model.baseKind} host gets ${plan.scale.toPrecision(4)} of a real core, so the`,
    `# hosts' slots take ${plan.cpus} of its ${plan.machineCpus} CPUs in all; cpu is each core's share of a real core.`,
    '# What-ifs: copy a host line (another Pi), delete one (the laptop left out), change cpu, latency',
    '# or bandwidth, and add the combinations to try; then cluster lab up --spec THIS_FILE.',
    'lab:',
    '  hosts:',
    ...plan.hosts.map(
      (h) => `    ${`${h.name}:`.padEnd(width + 1)} { kind: ${h.kind}, cores: ${h.cores}, cpu: ${h.cpu}, ${LINK} }`,
    ),
    '',
    `name: ${name}`,
    ...EXPERIMENT,
    '# The rows the file measured, on the twin.',
    'combinations:',
    ...plan.combinations.map((hosts) => `  - [${hosts.join(', ')}]`),
    `baseline: [${plan.combinations[0].join(', ')}]`,
  ];
  return `${lines.join('\n')}\n`;
}
