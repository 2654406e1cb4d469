import {printable} from './printable.js';

/** What Markdown would read as markup rather than text. */
const MARKUP = /[\\`*_~[\]|<>&]/g;
const ENTITIES: Record<string, string> = {'<': '&lt;', '>': '&gt;', '&': '&amp;'};
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;

/**
 * Outside text in a Markdown table or list, shown as written: on one line, its control characters
 * shown, `|` escaped so it stays one cell, and no HTML (`<script>`), emphasis, code or link of its own.
 */
export function markdownCell(text: string): string {
  return printable(text).replace(MARKUP, (c: string, at: number, all: string) =>
    escapeMarkup(c, all[at - 1] ?? '', all[at + 1] ?? ''),
  );
}

/** A backslash is markup only before punctuation, and `_` only at a word's edge (snake_case stays as it is). */
function escapeMarkup(c: string, before: string, after: string): string {
  if (ENTITIES[c]) return ENTITIES[c];
  if (c === '\\' && !ASCII_PUNCTUATION.test(after)) return c;
  if (c === '_' && WORD.test(before) && WORD.test(after)) return c;
  return `\\${c}`;
}
