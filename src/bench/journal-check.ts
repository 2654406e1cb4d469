/**
 * What is wrong with one parsed journal line, or undefined: a line edited by hand (or written by
 * something else) is refused with its field, not read into a crash later.
 */
export function journalLineProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  switch (value.kind) {
    case 'start':
      return firstProblem(value, {id: isText, experiment: isText, fingerprint: isText, startedAt: isText});
    case 'calibration':
      if (!isObject(value.throughput) || !Object.values(value.throughput).every(isNonNegative)) return 'throughput must map hosts to trees per second';
      return value.loaded === undefined || (isObject(value.loaded) && Object.values(value.loaded).every(isNonNegative)) ? undefined : 'loaded must map hosts to shares of the CPU';
    case 'failed':
      return firstProblem(value, {combination: isIndex, error: isText});
    case 'run':
      return firstProblem(value, {combination: isIndex, run: isCount, warmup: isBoolean, record: isObject}) ?? recordProblem(value.record as Record<string, unknown>);
    default:
      return `unknown kind ${JSON.stringify(value.kind)}`;
  }
}

function recordProblem(record: Record<string, unknown>): string | undefined {
  const problem = firstProblem(record, {seconds: isNonNegative, accuracy: isNonNegative, hosts: Array.isArray, faults: Array.isArray, timeline: Array.isArray});
  return problem && `record.${problem}`;
}

function firstProblem(value: Record<string, unknown>, fields: Record<string, (field: unknown) => boolean>): string | undefined {
  const bad = Object.entries(fields).find(([name, valid]) => !valid(value[name]));
  return bad && `${bad[0]} is ${JSON.stringify(value[bad[0]]) ?? 'missing'}`;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown) => typeof value === 'string';
const isBoolean = (value: unknown) => typeof value === 'boolean';
const isNonNegative = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isIndex = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 1;

/** What the sweep being resumed plans: its combinations, and warm-ups then measured runs of each. */
export interface SweepPlan {
  combinations: number;
  warmup: number;
  runs: number;
}

/**
 * The first record outside the plan, by its index among the records: a combination the experiment
 * does not have, a run past warm-up + runs, a warm-up flag that disagrees with the run's number, a
 * run recorded twice. Each would be counted into the table (13 runs for `runs: 12`).
 */
export function planProblem(lines: readonly {kind: string; combination?: number; run?: number; warmup?: boolean}[], plan: SweepPlan): {index: number; problem: string} | undefined {
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (line.kind !== 'run' && line.kind !== 'failed') continue;
    const combination = line.combination!;
    if (combination >= plan.combinations) return {index, problem: `combination is ${combination}, but the experiment has ${plan.combinations} (0 to ${plan.combinations - 1})`};
    if (line.kind === 'failed') continue;
    const run = line.run!;
    const last = plan.warmup + plan.runs;
    if (run > last) return {index, problem: `run is ${run}, but the experiment has ${plan.warmup} warm-up and ${plan.runs} measured runs (1 to ${last})`};
    if (line.warmup !== run <= plan.warmup) return {index, problem: `warmup is ${line.warmup}, but run ${run} is ${run <= plan.warmup ? 'a warm-up' : 'a measured run'} (warmup: ${plan.warmup})`};
    const key = `${combination}/${run}`;
    if (seen.has(key)) return {index, problem: `run ${run} of combination ${combination} is recorded twice`};
    seen.add(key);
  }
  return undefined;
}
