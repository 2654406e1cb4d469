/**
 * What is wrong with one parsed journal line, or undefined: a line edited by hand (or written by
 * something else) is refused with its field, not read into a crash later.
 */
export function journalLineProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  switch (value.kind) {
    case 'start':
      return firstProblem(value, {id: TEXT, experiment: TEXT, fingerprint: TEXT, startedAt: TEXT});
    case 'calibration':
      if (!isObject(value.throughput) || !Object.values(value.throughput).every(isNonNegative))
        return 'throughput must map hosts to trees per second';
      return value.loaded === undefined || (isObject(value.loaded) && Object.values(value.loaded).every(isNonNegative))
        ? undefined
        : 'loaded must map hosts to shares of the CPU';
    case 'failed':
      return firstProblem(value, {combination: INDEX, error: TEXT});
    case 'run':
      return (
        firstProblem(value, {combination: INDEX, run: COUNT, warmup: BOOLEAN, record: OBJECT}) ??
        prefixed('record', recordProblem(value.record as Record<string, unknown>))
      );
    default:
      return `unknown kind ${JSON.stringify(value.kind)}`;
  }
}

/**
 * A journal written before runs counted work items (forest only: `trees` per host) reads as one of
 * today's, so a sweep interrupted before an upgrade still resumes. Changes `value` in place.
 */
export function upgradeJournalLine(value: unknown): void {
  if (!isObject(value) || value.kind !== 'run' || !isObject(value.record) || !Array.isArray(value.record.hosts)) return;
  for (const host of value.record.hosts) {
    if (!isObject(host) || host.items !== undefined || host.trees === undefined) continue;
    host.items = host.trees;
    delete host.trees;
  }
}

/** A field's test and the rule it states when it fails. */
type Rule = {valid: (field: unknown) => boolean; rule: string};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonNegative = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const isIndex = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

const TEXT: Rule = {valid: (value) => typeof value === 'string', rule: 'text'};
const BOOLEAN: Rule = {valid: (value) => typeof value === 'boolean', rule: 'true or false'};
const OBJECT: Rule = {valid: isObject, rule: 'an object'};
const LIST: Rule = {valid: Array.isArray, rule: 'a list'};
const INDEX: Rule = {valid: isIndex, rule: 'a whole number from 0'};
const COUNT: Rule = {
  valid: (value) => Number.isSafeInteger(value) && (value as number) >= 1,
  rule: 'a whole number from 1',
};
const NON_NEGATIVE: Rule = {valid: isNonNegative, rule: 'a number from 0'};
const POSITIVE: Rule = {valid: (value) => isNonNegative(value) && (value as number) > 0, rule: 'a number above 0'};
const FINITE: Rule = {valid: (value) => typeof value === 'number' && Number.isFinite(value), rule: 'a number'};
const SHARE: Rule = {valid: (value) => isNonNegative(value) && (value as number) <= 1, rule: 'a number from 0 to 1'};
const SECONDS_OR_NULL: Rule = {
  valid: (value) => value === null || isNonNegative(value),
  rule: 'a number from 0, or null',
};
const NAMES: Rule = {
  valid: (value) => Array.isArray(value) && value.every((name) => typeof name === 'string'),
  rule: 'a list of host names',
};

// The fields of a RunRecord (src/results/result.ts) as Journal.recordRun writes them, each read again by the table.
const RECORD = {seconds: POSITIVE, accuracy: SHARE, hosts: LIST, faults: LIST, timeline: LIST};
const HOST_RUN = {
  host: TEXT,
  cores: COUNT,
  items: INDEX,
  reexecuted: INDEX,
  trainSeconds: NON_NEGATIVE,
  utilisation: NON_NEGATIVE,
  shipSeconds: NON_NEGATIVE,
  shippedBytes: NON_NEGATIVE,
  waitSeconds: NON_NEGATIVE,
};
const FAULT = {host: TEXT, reason: TEXT, message: TEXT, at: NON_NEGATIVE, requeued: INDEX};
const TIMELINE_ENTRY = {host: TEXT, slot: INDEX, index: INDEX, start: FINITE, end: FINITE, kept: BOOLEAN};
const MACHINE_LOAD = {
  hosts: NAMES,
  coordinator: BOOLEAN,
  // 0: a machine that never answered (a dask worker), its CPUs unknown.
  cpus: INDEX,
  cpuSeconds: SECONDS_OR_NULL,
  otherSeconds: SECONDS_OR_NULL,
};

function recordProblem(record: Record<string, unknown>): string | undefined {
  if (record.interference !== undefined && !Array.isArray(record.interference))
    return firstProblem(record, {interference: LIST});
  return (
    firstProblem(record, RECORD) ??
    listProblem(record, 'hosts', HOST_RUN) ??
    listProblem(record, 'faults', FAULT) ??
    listProblem(record, 'timeline', TIMELINE_ENTRY) ??
    listProblem(record, 'interference', MACHINE_LOAD)
  );
}

/** The first bad item of a list of objects, as `name[i].field is ...`. */
function listProblem(record: Record<string, unknown>, name: string, fields: Record<string, Rule>): string | undefined {
  for (const [i, item] of ((record[name] as unknown[] | undefined) ?? []).entries()) {
    const problem = isObject(item) ? firstProblem(item, fields) : `is ${JSON.stringify(item)}: must be an object`;
    if (problem) return prefixed(`${name}[${i}]`, problem);
  }
  return undefined;
}

function firstProblem(value: Record<string, unknown>, fields: Record<string, Rule>): string | undefined {
  const bad = Object.entries(fields).find(([name, {valid}]) => !valid(value[name]));
  return bad && `${bad[0]} is ${JSON.stringify(value[bad[0]]) ?? 'missing'}: must be ${bad[1].rule}`;
}

function prefixed(path: string, problem: string | undefined): string | undefined {
  return problem && (problem.startsWith('is ') ? `${path} ${problem}` : `${path}.${problem}`);
}

/** What the sweep being resumed plans: its combinations, and warm-ups then measured runs of each. */
export interface SweepPlan {
  combinations: number;
  warmup: number;
  runs: number;
  /** Each combination's hosts, which a run's record must name and nothing else. */
  hosts?: readonly (readonly string[])[];
}

/**
 * The first record outside the plan, by its index among the records: a combination the experiment
 * does not have, a run past warm-up + runs, a warm-up flag that disagrees with the run's number, a
 * run recorded twice. Each would be counted into the table (13 runs for `runs: 12`).
 */
export function planProblem(
  lines: readonly {kind: string; combination?: number; run?: number; warmup?: boolean; record?: RecordHosts}[],
  plan: SweepPlan,
): {index: number; problem: string} | undefined {
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (line.kind !== 'run' && line.kind !== 'failed') continue;
    const combination = line.combination!;
    if (combination >= plan.combinations)
      return {
        index,
        problem: `combination is ${combination}, but the experiment has ${plan.combinations} (0 to ${plan.combinations - 1})`,
      };
    if (line.kind === 'failed') continue;
    const run = line.run!;
    const last = plan.warmup + plan.runs;
    if (run > last)
      return {
        index,
        problem: `run is ${run}, but the experiment has ${plan.warmup} warm-up and ${plan.runs} measured runs (1 to ${last})`,
      };
    if (line.warmup !== run <= plan.warmup)
      return {
        index,
        problem: `warmup is ${line.warmup}, but run ${run} is ${run <= plan.warmup ? 'a warm-up' : 'a measured run'} (warmup: ${plan.warmup})`,
      };
    const key = `${combination}/${run}`;
    if (seen.has(key)) return {index, problem: `run ${run} of combination ${combination} is recorded twice`};
    seen.add(key);
    const hosts = plan.hosts?.[combination];
    const stranger = hosts && line.record && hostsProblem(line.record, hosts);
    if (stranger) return {index, problem: stranger};
  }
  return undefined;
}

/** The host names a run's record holds, each of which the table looks up in the combination. */
interface RecordHosts {
  hosts: readonly {host: string}[];
  faults: readonly {host: string}[];
  timeline: readonly {host: string}[];
  interference?: readonly {hosts: readonly string[]}[];
}

/** A record whose hosts are not exactly its combination's, or that names a host outside it. */
function hostsProblem(record: RecordHosts, combination: readonly string[]): string | undefined {
  const named = record.hosts.map(({host}) => host);
  const expected = `the combination's hosts, ${JSON.stringify(combination)}, each once`;
  if (
    named.length !== combination.length ||
    new Set(named).size !== named.length ||
    !named.every((host) => combination.includes(host))
  )
    return `record.hosts are ${JSON.stringify(named)}: must be ${expected}`;
  const others = [
    ...record.faults.map(({host}, i) => [`faults[${i}].host`, host]),
    ...record.timeline.map(({host}, i) => [`timeline[${i}].host`, host]),
    ...(record.interference ?? []).flatMap((load, i) => load.hosts.map((host) => [`interference[${i}].hosts`, host])),
  ];
  const stranger = others.find(([, host]) => !combination.includes(host));
  if (stranger)
    return `record.${stranger[0]} is ${JSON.stringify(stranger[1])}: must be one of ${JSON.stringify(combination)}`;
  return undefined;
}
