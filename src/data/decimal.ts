const [ZERO, NINE, DOT, PLUS, MINUS, LOWER_E, UPPER_E] = ['0', '9', '.', '+', '-', 'e', 'E'].map((c) =>
  c.charCodeAt(0),
);

/**
 * A CSV cell as pandas reads a number: decimal digits with an optional sign, point and exponent
 * (`-1.5e3`, `.5`, `2.`). JavaScript's Number() also takes `0x10`, `0b11`, `0o7` and '' (as 0),
 * which no CSV tool reads as numbers. Undefined for anything else, or for a value too large to be finite.
 */
export function readDecimal(text: string): number | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === PLUS || text.charCodeAt(0) === MINUS ? 1 : 0;
  const digitsFrom = (at: number) => {
    let end = at;
    while (end < n && isDigit(text.charCodeAt(end))) end++;
    return end;
  };
  let end = digitsFrom(i);
  let digits = end - i;
  i = end;
  if (text.charCodeAt(i) === DOT) {
    end = digitsFrom(i + 1);
    digits += end - i - 1;
    i = end;
  }
  if (digits === 0) return undefined;
  if (text.charCodeAt(i) === LOWER_E || text.charCodeAt(i) === UPPER_E) {
    i++;
    if (text.charCodeAt(i) === PLUS || text.charCodeAt(i) === MINUS) i++;
    end = digitsFrom(i);
    if (end === i) return undefined;
    i = end;
  }
  if (i !== n) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const isDigit = (code: number) => code >= ZERO && code <= NINE;
