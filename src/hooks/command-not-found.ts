import type {Hook} from '@oclif/core';
import {errorJson, ExitCode, UsageError} from '../errors.js';
import {printable, printableJson} from '../text/printable.js';

/**
 * A mistyped command gets the nearest command's name, as oclif's not-found plugin does, without its
 * prompt; a real command followed by words it does not take (`cluster status extra`, which oclif
 * reads as a command `status extra`) is told so. With --json the error is JSON, as every command's.
 */
const hook: Hook.CommandNotFound = async function ({config, id, argv}) {
  const separator = config.topicSeparator ?? ':';
  const typed = id.replaceAll(':', separator);
  const commands = config.commandIDs.map((command) => command.replaceAll(':', separator));
  const error = new UsageError(notFoundMessage(config.bin, typed, commands, separator));
  if (argv?.includes('--json')) process.stdout.write(`${printableJson(JSON.stringify(errorJson(error), null, 2))}\n`);
  else process.stderr.write(`Error: ${printable(error.message)}\n`);
  process.exitCode = ExitCode.input;
};

export function notFoundMessage(bin: string, typed: string, commands: string[], separator: string): string {
  const words = typed.split(separator);
  for (let k = words.length - 1; k >= 1; k--) {
    const command = words.slice(0, k).join(separator);
    if (!commands.includes(command)) continue;
    const extra = words.slice(k);
    return `${bin} ${command}: unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((word) => `'${word}'`).join(' ')} (see: ${bin} ${command} --help)`;
  }
  const nearest = closest(typed, commands);
  const hint = nearest ? `did you mean: ${bin} ${nearest}? ` : '';
  return `${bin} ${typed}: unknown command (${hint}all commands: ${bin} help)`;
}

export default hook;

/** The command within a third of the typed word's length in edits, if any. */
export function closest(typed: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(typed.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Damerau-Levenshtein distance (optimal string alignment), so a swap of two letters counts once. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({length: a.length + 1}, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
