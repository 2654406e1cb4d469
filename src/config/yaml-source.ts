import {Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument} from 'yaml';
import {InputError} from '../errors.js';
import {readTextFile} from '../files/read-text.js';
import {userFileError} from '../files/user-file.js';
import {LIMITS} from '../limits.js';

/** The yaml library's own bound on how many nodes one alias may expand to. */
const MAX_ALIAS_COUNT = 100;

export type FieldPath = readonly (string | number)[];

/** A parsed config file whose fields can be blamed by path: a YAML file, or an INI inventory. */
export interface FieldSource {
  readonly file: string;
  readonly data: unknown;
  error(path: FieldPath, problem: string, fix?: string, at?: 'value' | 'key'): InputError;
  scalarText(path: FieldPath): string | undefined;
  lineOf(path: FieldPath): number | undefined;
}

/** A parsed YAML file that remembers where every field came from, so errors can name the line. */
export class YamlSource implements FieldSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    /** The document as plain JavaScript values. */
    readonly data: unknown,
  ) {}

  /** Reads and parses `file`; `what` names the file's role for the not-found message. */
  static read(file: string, what: string, fix: string): YamlSource {
    return YamlSource.parse(file, readConfigText(file, what, fix));
  }

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, {lineCounter: lines, uniqueKeys: true});
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0].line;
      if (first.code === 'DUPLICATE_KEY') {
        throw new InputError({
          file,
          line,
          problem: 'duplicate key',
          fix: 'each name may appear once; remove or rename one of them',
        });
      }
      const problem = `YAML syntax error: ${first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
      throw new InputError({file, line, problem, fix: 'fix the YAML syntax'});
    }
    return new YamlSource(file, doc, lines, toValues(doc, file));
  }

  /** A scalar field's text as written (`1.0`, not the number 1), if the field is a scalar. */
  scalarText(path: FieldPath): string | undefined {
    const node = this.doc.getIn(path, true);
    return isScalar(node) ? (node.source ?? String(node.value)) : undefined;
  }

  /** The line of the field at `path`, or of its nearest ancestor that exists. */
  lineOf(path: FieldPath): number | undefined {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      const offset = isNode(node) || isPair(node) ? rangeStart(node) : undefined;
      if (offset !== undefined) return this.lines.linePos(offset).line;
    }
    return undefined;
  }

  /** The line of the key of the field at `path` (where a duplicate or unknown key is written). */
  keyLineOf(path: FieldPath): number | undefined {
    const parent = path.length > 1 ? this.doc.getIn(path.slice(0, -1), true) : this.doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(path.at(-1)));
      const key = pair?.key;
      if (isNode(key) && key.range) return this.lines.linePos(key.range[0]).line;
    }
    return this.lineOf(path);
  }

  /** An input error pointing at the field at `path` (at its key when the key itself is wrong). */
  error(path: FieldPath, problem: string, fix?: string, at: 'value' | 'key' = 'value'): InputError {
    const line = at === 'key' ? this.keyLineOf(path) : this.lineOf(path);
    return new InputError({file: this.file, line, field: formatPath(path), problem, fix});
  }
}

/** A config file's text; `what` names the file's role for the not-found message. */
export function readConfigText(file: string, what: string, fix: string): string {
  try {
    return readTextFile(file, {
      limit: LIMITS.yamlBytes,
      what: `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}`,
      tooLargeFix: 'name the right file; a config this large is not one',
    });
  } catch (error) {
    throw userFileError(error, file, what, fix);
  }
}

/** The document's values; aliases that expand without end (a "billion laughs") are refused, not followed. */
function toValues(doc: Document, file: string): unknown {
  try {
    return doc.toJS({maxAliasCount: MAX_ALIAS_COUNT});
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const tooMany = error.message.startsWith('Excessive alias count');
    const problem = tooMany
      ? `YAML aliases expand too far (over ${MAX_ALIAS_COUNT} aliased nodes)`
      : `YAML alias error: ${error.message}`;
    throw new InputError({
      file,
      problem,
      fix: tooMany
        ? 'write the values out, or use fewer nested aliases'
        : 'define each anchor (&name) before its alias (*name)',
    });
  }
}

export function formatPath(path: FieldPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

function rangeStart(node: unknown): number | undefined {
  if (isPair(node)) return isNode(node.key) ? node.key.range?.[0] : undefined;
  return isNode(node) ? node.range?.[0] : undefined;
}
