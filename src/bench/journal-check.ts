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
      return isObject(value.throughput) && Object.values(value.throughput).every(isNonNegative) ? undefined : 'throughput must map hosts to trees per second';
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
