import type {Hook} from '@oclif/core';
import {ExitCode} from '../errors.js';

/** A mistyped command gets the nearest command's name, as oclif's not-found plugin does, without its prompt. */
const hook: Hook.CommandNotFound = async function ({config, id}) {
  const separator = config.topicSeparator ?? ':';
  const typed = id.replaceAll(':', separator);
  const commands = config.commandIDs.map((command) => command.replaceAll(':', separator));
  const nearest = closest(typed, commands);
  const hint = nearest ? `did you mean: ${config.bin} ${nearest}? ` : '';
  process.stderr.write(`Error: ${config.bin} ${typed}: unknown command (${hint}all commands: ${config.bin} help)\n`);
  process.exitCode = ExitCode.input;
};

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
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
