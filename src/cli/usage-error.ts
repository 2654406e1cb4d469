import {stripVTControlCharacters} from 'node:util';

/**
 * oclif's flag errors in one line: its "The following errors occurred:" list joined, its "See more
 * help with --help" replaced by the command to run, e.g. "Nonexistent flag: --bogus (see: cluster
 * bench --help)".
 */
export function usageMessage(oclifMessage: string, commandId: string, bin: string): string {
  const problems = stripVTControlCharacters(oclifMessage)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'See more help with --help' && !/^The following errors? occurred:$/.test(line))
    .map((line) => line.replace(/^Missing required flag (\S+)$/, 'missing required flag --$1'))
    .join('; ')
    // "Parsing --trees" is followed by why: "--trees: Expected an integer but received: abc".
    .replace(/\bParsing (--\S+); /g, '$1: ');
  const command = [bin, ...commandId.split(':')].filter(Boolean).join(' ');
  return `${problems} (see: ${command} --help)`;
}
