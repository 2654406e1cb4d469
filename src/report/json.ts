import type {BenchResult} from '../results/result.js';
import {printableJson} from '../text/printable.js';

/** With the control characters JSON.stringify leaves raw escaped too, so `cat` shows the file as it is. */
export function renderJson(result: BenchResult): string {
  return `${printableJson(JSON.stringify(result, null, 2))}\n`;
}
