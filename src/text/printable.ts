/**
 * Text from outside (a host's output, a file's content, a label) made safe to print: whatever a
 * terminal would act on instead of showing is shown as an escape. C0 controls (ESC, BEL, CR,
 * backspace...), DEL, C1 controls (CSI is 0x9b), and the bidirectional controls that reorder what
 * the reader sees (Trojan Source), with the line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same characters, for a check that refuses them (a label). */
export const CONTROL_CHARACTER = new RegExp(UNSAFE.source);
/** Those of them JSON.stringify leaves raw in its strings (it escapes only those below 0x20). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'};

/** One line: every control character shown as an escape, a newline as `\n`. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeCharacter);
}

/**
 * JSON text whose strings hold no raw control character: DEL, C1 and the bidi controls written as
 * \uXXXX too. The value it parses to is unchanged, and colours outside its strings are kept.
 */
export function printableJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `\x1b`, `\x9b`, `\n`, `\u{202e}`: the escape a reader recognises, as JavaScript writes it. */
function escapeCharacter(c: string): string {
  const code = c.codePointAt(0)!;
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
}
