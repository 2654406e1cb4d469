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

/** Per sampled record, its number of fields under each candidate delimiter. */
function fieldCounts(text: string): number[][] {
  const codes = DELIMITERS.map((d) => d.charCodeAt(0));
  const records: number[][] = [];
  let fields = codes.map(() => 1);
  let quoted = false;
  let empty = true;
  for (let i = 0; i < text.length && records.length < SAMPLE_RECORDS; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) quoted = !quoted;
    else if (!quoted && (code === LF || code === CR)) {
      if (!empty) records.push(fields);
      fields = codes.map(() => 1);
      empty = true;
      continue;
    } else if (!quoted) {
      const d = codes.indexOf(code);
      if (d >= 0) fields[d]++;
    }
    empty = false;
  }
  if (!empty && records.length < SAMPLE_RECORDS) records.push(fields);
  return records;
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
