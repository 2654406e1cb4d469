import {printable} from './printable.js';

/** Outside text in a Markdown table or list: on one line, its control characters shown, its `|` escaped so it stays one cell. */
export function markdownCell(text: string): string {
  return printable(text).replaceAll('|', '\\|');
}
