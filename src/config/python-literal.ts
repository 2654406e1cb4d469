/**
 * An INI value typed as Ansible's ini plugin types it: Python's ast.literal_eval when the text is a
 * literal (4, 2.5, 'pi', True, None, ['a', 'b'], {'k': 1}), else the text itself. As there, a
 * `# comment` after a whole literal is ignored, and tuples and sets become lists.
 */
export function parsePythonValue(text: string): unknown {
  const reader = new LiteralReader(text);
  try {
    const value = reader.value();
    reader.end();
    return value;
  } catch (error) {
    if (error instanceof NotLiteral) return text;
    throw error;
  }
}

class NotLiteral extends Error {}

const NUMBER = /^[+-]?(?:(?:\d[\d_]*)?\.\d[\d_]*|\d[\d_]*\.?)(?:[eE][+-]?\d+)?/;
const NAMES: Record<string, unknown> = {True: true, False: false, None: null};
const ESCAPES: Record<string, string> = {n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0'};

// Python's parser gives up on deeper nesting too (a SyntaxError, so the text stays text).
const MAX_DEPTH = 100;

class LiteralReader {
  private at = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    if (++this.depth > MAX_DEPTH) throw new NotLiteral();
    try {
      return this.item();
    } finally {
      this.depth--;
    }
  }

  private item(): unknown {
    this.skipSpace();
    const char = this.text[this.at];
    if (char === '[') return this.sequence('[', ']');
    if (char === '(') return this.sequence('(', ')');
    if (char === '{') return this.mapping();
    if (char === "'" || char === '"') return this.string();
    return this.scalar();
  }

  /** Only blanks and a comment may follow the literal. */
  end(): void {
    this.skipSpace();
    if (this.at < this.text.length && this.text[this.at] !== '#') throw new NotLiteral();
  }

  private scalar(): unknown {
    const rest = this.text.slice(this.at);
    const name = /^[A-Za-z_]\w*/.exec(rest)?.[0];
    if (name !== undefined) {
      if (!(name in NAMES)) throw new NotLiteral();
      this.at += name.length;
      return NAMES[name];
    }
    const number = NUMBER.exec(rest)?.[0];
    // Python refuses 010 and a trailing or doubled underscore; so the text stays text.
    if (number === undefined || (/^[+-]?0\d/.test(number) && !/[.eE]/.test(number)) || /_(_|$|\.|[eE])/.test(number))
      throw new NotLiteral();
    this.at += number.length;
    return Number(number.replaceAll('_', ''));
  }

  private string(): string {
    const quote = this.text[this.at++];
    let out = '';
    while (this.at < this.text.length) {
      const char = this.text[this.at++];
      if (char === quote) return out;
      if (char === '\\' && this.at < this.text.length) {
        const next = this.text[this.at++];
        out += ESCAPES[next] ?? `\\${next}`;
      } else {
        out += char;
      }
    }
    throw new NotLiteral();
  }

  private sequence(open: string, close: string): unknown[] {
    this.at++;
    const items: unknown[] = [];
    while (!this.closes(close)) {
      items.push(this.value());
      if (!this.separates(close)) throw new NotLiteral();
    }
    return items;
  }

  private mapping(): Record<string, unknown> | unknown[] {
    this.at++;
    const entries: [string, unknown][] = [];
    const set: unknown[] = [];
    while (!this.closes('}')) {
      const key = this.value();
      this.skipSpace();
      if (this.text[this.at] === ':') {
        this.at++;
        entries.push([String(key), this.value()]);
      } else {
        set.push(key);
      }
      if (!this.separates('}')) throw new NotLiteral();
    }
    if (entries.length > 0 && set.length > 0) throw new NotLiteral();
    return set.length > 0 ? set : Object.fromEntries(entries);
  }

  /** At `close`, consumed; else false. */
  private closes(close: string): boolean {
    this.skipSpace();
    if (this.at >= this.text.length) throw new NotLiteral();
    if (this.text[this.at] !== close) return false;
    this.at++;
    return true;
  }

  /** A comma, or the closing bracket next. */
  private separates(close: string): boolean {
    this.skipSpace();
    if (this.text[this.at] === ',') {
      this.at++;
      return true;
    }
    return this.text[this.at] === close;
  }

  private skipSpace(): void {
    while (this.text[this.at] === ' ' || this.text[this.at] === '\t') this.at++;
  }
}
