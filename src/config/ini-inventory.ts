import {extname} from 'node:path';
import {InputError} from '../errors.js';
import {parseAnsibleInventory} from './ansible.js';
import type {Inventory} from './hosts.js';
import {parsePythonValue} from './python-literal.js';
import type {FieldPath, FieldSource} from './yaml-source.js';

/**
 * Ansible's INI inventory, read line by line as Ansible's ini plugin reads it, into the shape of
 * an Ansible YAML inventory (groups with hosts, vars and children), which ansible.ts then reads:
 * one set of rules for both forms, and each value remembers its line for errors.
 */

// Ansible's own patterns (plugins/inventory/ini.py): a header, and a line of a :children section.
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_LINE = /^([^:\]\s]+)\s*(?:#.*)?$/;
const KINDS = ['hosts', 'children', 'vars'];
const LABELS_FIX = (list: string, onHostLine: boolean) =>
  onHostLine
    ? `write labels="${list}": a Python list, quoted as a whole on a host line`
    : `write labels=${list}: a Python list`;

/** Groups named before they are defined, with the error to give if they never are. */
type Pending = Map<string, {line: number; problem: string; fix: string; field: string}>;

interface IniGroup {
  hosts: Record<string, Record<string, unknown>>;
  vars: Record<string, unknown>;
  children: Record<string, null>;
}

/** An INI file's groups, and the line each group, host, variable and child was written on. */
export class IniSource implements FieldSource {
  readonly data: Record<string, IniGroup> = {};
  private readonly lines = new Map<string, number>();

  constructor(readonly file: string) {}

  group(name: string, line: number): IniGroup {
    this.data[name] ??= {hosts: {}, vars: {}, children: {}};
    this.note([name], line, false);
    return this.data[name];
  }

  /** `latest`: a value written twice is blamed on its last line, a host or group on its first. */
  note(path: FieldPath, line: number, latest = true): void {
    const key = JSON.stringify(path);
    if (latest || !this.lines.has(key)) this.lines.set(key, line);
  }

  lineOf(path: FieldPath): number | undefined {
    for (let depth = path.length; depth > 0; depth--) {
      const line = this.lines.get(JSON.stringify(path.slice(0, depth)));
      if (line !== undefined) return line;
    }
    return undefined;
  }

  scalarText(): string | undefined {
    return undefined;
  }

  error(path: FieldPath, problem: string, fix?: string): InputError {
    return new InputError({file: this.file, line: this.lineOf(path), field: iniField(path), problem, fix});
  }

  /** An error at a line, for what is wrong before any field is read. */
  lineError(line: number, problem: string, fix: string, field?: string): InputError {
    return new InputError({file: this.file, line, field, problem, fix});
  }
}

/** A field as the INI file shows it: `rpi1 ansible_port`, `[pis:vars] cores`, `[cluster:children] pis`. */
function iniField(path: FieldPath): string | undefined {
  const [group, kind, name, ...rest] = path.map(String);
  const suffix = path
    .slice(4)
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('');
  if (kind === 'hosts' && name !== undefined) return rest.length === 0 ? name : `${name} ${rest[0]}${suffix}`;
  if ((kind === 'vars' || kind === 'children') && name !== undefined)
    return `[${group}:${kind}] ${name}${rest.length > 0 ? `.${rest[0]}${suffix}` : ''}`;
  return group === undefined ? undefined : `[${group}]`;
}

/**
 * Whether `text` is an INI inventory: always for a .ini file; for a .yaml, .yml or .json file only
 * when it holds a `[group]` header and no YAML key; for any other name (Ansible's `hosts`) unless
 * a line starts a YAML mapping (`all:`, `hosts:`) or the file opens with `---` or `{`.
 */
export function isIniInventory(file: string, text: string): boolean {
  const extension = extname(file).toLowerCase();
  if (extension === '.ini') return true;
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !/^\s*[#;]/.test(line));
  const yaml = lines.some((line) => /^[^\s[{=#;][^\s=]*:(\s|$)/.test(line)) || /^(---|\{|%)/.test(lines[0] ?? '');
  if (yaml) return false;
  return ['.yaml', '.yml', '.json'].includes(extension) ? lines.some((line) => SECTION.test(line.trim())) : true;
}

export function parseIniInventory(file: string, text: string): Inventory {
  const inventory = parseAnsibleInventory(readIni(file, text));
  // As Ansible's inventory does: `ungrouped` keeps only the hosts that no other group lists.
  const grouped = new Set([...inventory.groups].filter(([name]) => name !== 'ungrouped').flatMap(([, names]) => names));
  const ungrouped = (inventory.groups.get('ungrouped') ?? []).filter((name) => !grouped.has(name));
  if (ungrouped.length > 0) inventory.groups.set('ungrouped', ungrouped);
  else inventory.groups.delete('ungrouped');
  return inventory;
}

/** Ansible's ini plugin, line by line: hosts before any header are `ungrouped`. */
export function readIni(file: string, text: string): IniSource {
  const source = new IniSource(file);
  source.group('all', 1);
  // A :vars section may come before its group's header, and a child before its own: checked at the end.
  const pending: Pending = new Map();
  const known = new Set(['all', 'ungrouped']);
  let [group, kind] = ['ungrouped', 'hosts'];
  text.split(/\r?\n/).forEach((raw, index) => {
    const [line, number] = [raw.trim(), index + 1];
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const header = SECTION.exec(line);
    if (header) {
      [group, kind] = [header[1], header[2] ?? 'hosts'];
      if (!KINDS.includes(kind))
        throw source.lineError(
          number,
          `unknown section kind '${kind}'`,
          `a section is [${group}], [${group}:vars] or [${group}:children]`,
          `[${header[1]}:${kind}]`,
        );
      if (kind === 'vars' && !known.has(group) && !pending.has(group))
        pending.set(group, {
          line: number,
          problem: `group '${group}' is not defined`,
          fix: `define it with a [${group}] or [${group}:children] section, or remove [${group}:vars]`,
          field: `[${group}:vars]`,
        });
      if (kind !== 'vars') pending.delete(group);
      known.add(group);
      source.group(group, number);
      return;
    }
    if (line.startsWith('[') && line.endsWith(']'))
      throw source.lineError(
        number,
        `'${line}' is not a section header`,
        'a header is [group], [group:vars] or [group:children], with no spaces in it',
      );
    if (kind === 'hosts') readHostLine(source, group, line, number);
    else if (kind === 'vars') readVarsLine(source, group, line, number);
    else readChildLine(source, group, line, number, {known, pending});
  });
  const [first] = pending.values();
  if (first) throw source.lineError(first.line, first.problem, first.fix, first.field);
  if (!Object.values(source.data).some((entry) => Object.keys(entry.hosts).length > 0)) {
    throw source.lineError(1, 'no hosts', 'add a host line, e.g. [pis] then rpi1 ansible_host=192.168.1.101');
  }
  return source;
}

function readHostLine(source: IniSource, group: string, line: string, number: number): void {
  const tokens = splitShellWords(line);
  if (tokens === undefined)
    throw source.lineError(
      number,
      `unclosed quote in ${JSON.stringify(line)}`,
      'close the quote: name="a value with spaces"',
    );
  if (tokens.length === 0) return;
  const {pattern, port} = splitPort(tokens[0]);
  if (pattern.endsWith(':'))
    throw source.lineError(
      number,
      `host '${tokens[0]}' ends in ':'`,
      'a colon after a host name gives its port, e.g. rpi1:2222',
      tokens[0],
    );
  const entry = source.group(group, number).hosts;
  const vars = entry[pattern] ?? {};
  source.note([group, 'hosts', pattern], number, false);
  if (port !== undefined) {
    vars.ansible_port = port;
    source.note([group, 'hosts', pattern, 'ansible_port'], number);
  }
  for (const token of tokens.slice(1)) {
    const equals = token.indexOf('=');
    if (equals < 0)
      throw source.lineError(
        number,
        `expected name=value after the host, got '${token}'`,
        'write each host variable as name=value, e.g. ansible_user=pi; quote a value with spaces',
        pattern,
      );
    const [key, value] = [token.slice(0, equals), parsePythonValue(token.slice(equals + 1))];
    checkLabels(source, [group, 'hosts', pattern, key], value, number, true);
    vars[key] = value;
    source.note([group, 'hosts', pattern, key], number);
  }
  entry[pattern] = vars;
}

function readVarsLine(source: IniSource, group: string, line: string, number: number): void {
  const equals = line.indexOf('=');
  if (equals < 0)
    throw source.lineError(
      number,
      `expected name=value, got '${line}'`,
      'a [group:vars] line is name=value, e.g. cores=4',
      `[${group}:vars]`,
    );
  const [key, value] = [line.slice(0, equals).trim(), parsePythonValue(line.slice(equals + 1).trim())];
  checkLabels(source, [group, 'vars', key], value, number, false);
  source.group(group, number).vars[key] = value;
  source.note([group, 'vars', key], number);
}

function readChildLine(
  source: IniSource,
  group: string,
  line: string,
  number: number,
  state: {known: Set<string>; pending: Pending},
): void {
  const child = GROUP_LINE.exec(line)?.[1];
  if (child === undefined)
    throw source.lineError(
      number,
      `expected a group name, got '${line}'`,
      `a [${group}:children] line names one group`,
      `[${group}:children]`,
    );
  if (!state.known.has(child) && !state.pending.has(child)) {
    state.pending.set(child, {
      line: number,
      problem: `includes undefined group '${child}'`,
      fix: `define it with a [${child}] section of hosts, or remove the line`,
      field: `[${group}:children] ${child}`,
    });
  }
  source.group(group, number).children[child] = null;
  source.note([group, 'children', child], number);
}

/** Labels are a list; a bare `[pi]` is what a host line's quoting leaves of `['pi']`, so show the form that survives. */
function checkLabels(source: IniSource, path: FieldPath, value: unknown, number: number, onHostLine: boolean): void {
  if (path.at(-1) !== 'labels' || Array.isArray(value)) return;
  const items = String(value)
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((item) => item.trim().replace(/^['"]|['"]$/g, ''))
    .filter((item) => item !== '');
  const list = `[${(items.length > 0 ? items : ['raspberry-pi']).map((item) => `'${item}'`).join(', ')}]`;
  throw source.lineError(
    number,
    `labels must be a list, got ${JSON.stringify(value)}`,
    LABELS_FIX(list, onHostLine),
    iniField(path),
  );
}

/** `rpi1:2222` as the host and its port, as Ansible reads a host line; a colon inside a range is not a port. */
function splitPort(token: string): {pattern: string; port?: number} {
  const colon = token.lastIndexOf(':');
  const [head, tail] = [token.slice(0, colon), token.slice(colon + 1)];
  const closed = head.split('[').length === head.split(']').length;
  if (colon <= 0 || !closed || tail === '' || !/^\d+$/.test(tail) || head.endsWith(':')) return {pattern: token};
  return {pattern: head, port: Number(tail)};
}

/**
 * A host line's words as Python's shlex.split(comments=True) gives them to Ansible: blanks
 * separate, quotes group and are removed, `#` starts a comment; undefined for an unclosed quote.
 */
export function splitShellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let [word, inWord] = ['', false];
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (char === ' ' || char === '\t') {
      if (inWord) words.push(word);
      [word, inWord] = ['', false];
      continue;
    }
    if (char === '#') break;
    inWord = true;
    if (char === '\\') {
      word += line[++i] ?? '';
    } else if (char === "'" || char === '"') {
      const close = closingQuote(line, i);
      if (close < 0) return undefined;
      const body = line.slice(i + 1, close);
      word += char === '"' ? body.replace(/\\(["\\])/g, '$1') : body;
      i = close;
    } else {
      word += char;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Where the quote opened at `open` closes; inside double quotes a backslash escapes the next character. */
function closingQuote(line: string, open: number): number {
  const quote = line[open];
  for (let i = open + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++;
    else if (line[i] === quote) return i;
  }
  return -1;
}
