import {stripVTControlCharacters} from 'node:util';

/**
 * oclif's flag errors in one line: its "The following errors occurred:" list joined, its "See more
 * help with --help" replaced by the command to run, e.g. "Nonexistent flag: --bogus (see: cluster
 * bench --help)". A missing argument is named with its description; oclif's note on flags that take
 * several values is kept only when such a flag was given (it explains nothing otherwise).
 */
export function usageMessage(
  oclifMessage: string,
  commandId: string,
  bin: string,
  argv: readonly string[] = [],
): string {
  const lines = joinMissingArgs(stripVTControlCharacters(oclifMessage).split('\n'));
  const multiple = /^Note: (--\S+) allows multiple values/m.exec(oclifMessage)?.[1];
  const keepNote = multiple !== undefined && argv.some((arg) => arg === multiple || arg.startsWith(`${multiple}=`));
  const problems = lines
    .map((line) => line.trim())
    .filter(
      (line) => line !== '' && line !== 'See more help with --help' && !/^The following errors? occurred:$/.test(line),
    )
    .filter((line) => keepNote || !(line.startsWith('Note: ') || line.startsWith('Alternatively, you can use "--"')))
    .map((line) => line.replace(/^Missing required flag (\S+)$/, 'missing required flag --$1'))
    .join('; ')
    // "Parsing --trees" is followed by why: "--trees: Expected an integer but received: abc".
    .replace(/\bParsing (--\S+); /g, '$1: ');
  const command = [bin, ...commandId.split(':')].filter(Boolean).join(' ');
  return `${problems} (see: ${command} --help)`;
}

/**
 * oclif lists missing arguments as a table under "Missing 1 required arg:", each description
 * wrapped over indented lines: one line each, "missing required argument FILE (description)".
 */
function joinMissingArgs(lines: string[]): string[] {
  const start = lines.findIndex((line) => /^Missing \d+ required args?:$/.test(line.trim()));
  if (start < 0) return lines;
  let end = start + 1;
  const args: string[] = [];
  for (
    ;
    end < lines.length &&
    lines[end].trim() !== '' &&
    !lines[end].startsWith('Note: ') &&
    !lines[end].startsWith('See more help');
    end++
  ) {
    if (/^\s/.test(lines[end]) && args.length > 0) args[args.length - 1] += ` ${lines[end].trim()}`;
    else args.push(lines[end].trim());
  }
  const named = args.map((arg) => {
    const [, name, description] = /^(\S+)\s*(.*)$/.exec(arg) ?? [];
    return `missing required argument ${name.toUpperCase()}${description ? ` (${description})` : ''}`;
  });
  return [...lines.slice(0, start), ...named, ...lines.slice(end)];
}
