/** The field separators a CSV may use, in the order Python's csv.Sniffer prefers them on a tie. */
export const DELIMITERS = [',', '\t', ';', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Records the sniffer looks at: the header and the rows after it, as pandas' sep=None samples the head. */
const SAMPLE_RECORDS = 21;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The delimiter that splits the header and the first rows into the same number of fields, more
 * than one (quoted parts ignored), as csv.Sniffer does; undefined when none does or the text is empty.
 */
export function sniffDelimiter(text: string): Delimiter | undefined {
  const counts = fieldCounts(text);
  if (counts.length === 0) return undefined;
  return DELIMITERS.find((_, d) => counts[0][d] > 1 && counts.every((record) => record[d] === counts[0][d]));
}

/**
 * Per sampled record, its number of fields under each candidate. A quote opens a quoted part only at
 * the start of a cell, as the reader (and Python's csv) takes it: `5" screen` is text, not a quote.
 */
function fieldCounts(text: string): number[][] {
  const perDelimiter = DELIMITERS.map((d) => recordLengths(text, d.charCodeAt(0)));
  return perDelimiter[0].map((_, r) => perDelimiter.map((lengths) => lengths[r]));
}

function recordLengths(text: string, delimiter: number): number[] {
  const lengths: number[] = [];
  let fields = 1;
  let cellStart = true;
  let empty = true;
  for (let i = 0; i < text.length && lengths.length < SAMPLE_RECORDS; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE && cellStart) {
      // To the quote not doubled; what it holds is part of the cell.
      for (
        i++;
        i < text.length && !(text.charCodeAt(i) === QUOTE && text.charCodeAt(i + 1) !== QUOTE);
        i += text.charCodeAt(i) === QUOTE ? 2 : 1
      );
      cellStart = empty = false;
    } else if (code === LF || code === CR) {
      if (!empty) lengths.push(fields);
      fields = 1;
      cellStart = empty = true;
    } else {
      cellStart = code === delimiter;
      if (cellStart) fields++;
      empty = false;
    }
  }
  if (!empty && lengths.length < SAMPLE_RECORDS) lengths.push(fields);
  return lengths;
}

/** `--delimiter`'s and `delimiter:`'s values: the character itself, or `tab` / `\t`, which a shell and YAML pass as typed. */
export function parseDelimiter(text: string): Delimiter | undefined {
  if (text === 'tab' || text === '\\t') return '\t';
  return (DELIMITERS as readonly string[]).includes(text) ? (text as Delimiter) : undefined;
}

/** How to write it as a flag's value, so that a pasted hint passes it through a shell. */
export const delimiterArgument = (delimiter: Delimiter): string => (delimiter === '\t' ? 'tab' : `'${delimiter}'`);

export const DELIMITER_CHOICES = "',' ';' '|' or tab";

/**
 * A header read as one column whose name holds another candidate: the file is separated by that
 * one (the most frequent, when several appear).
 */
export function likelyDelimiter(header: string[]): Delimiter | undefined {
  if (header.length !== 1) return undefined;
  let best: Delimiter | undefined;
  let most = 0;
  for (const d of DELIMITERS) {
    const count = header[0].split(d).length - 1;
    if (count > most) [best, most] = [d, count];
  }
  return best;
}
