import {printable} from '../text/printable.js';

/** Code units XML 1.0's Char production leaves out, once printable() has shown the controls: lone surrogates, U+FFFE, U+FFFF. */
const NOT_XML_CHAR = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

/**
 * Outside text (a label, a host name, a fault's reason) as the content of an element or an attribute:
 * control characters shown as escapes, since XML allows none of them, and markup escaped.
 */
export function escapeXml(text: string): string {
  return printable(text)
    .replace(NOT_XML_CHAR, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`)
    .replace(/[<>&"']/g, (c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;'})[c]!);
}

/** A tooltip, its text escaped like every other. */
export function title(content: string): string {
  return `<title>${escapeXml(content)}</title>`;
}

export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escapeXml(content)}</text>`;
}

/** Distinct colours for hosts, in order. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** Round steps for an axis from 0 to at least `max`: the last tick covers the data; `whole` for counts. */
export function ticks(max: number, count = 5, whole = false): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(
    whole ? 1 : 0,
    [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!,
  );
  return Array.from({length: Math.ceil(max / step - 1e-9) + 1}, (_, i) => +(i * step).toPrecision(12));
}
