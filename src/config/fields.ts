import type {FieldPath, FieldSource} from './yaml-source.js';

/** The largest seed: the generator is seeded with 32 bits. */
export const MAX_SEED = 2 ** 32 - 1;

/** Typed readers of YAML fields: each one either returns a valid value or throws an error naming the field. */
export class FieldReader {
  constructor(readonly source: FieldSource) {}

  object(path: FieldPath, value: unknown, what: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw this.source.error(path, `expected ${what} (a mapping of fields), got ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  array(path: FieldPath, value: unknown, what: string): unknown[] {
    if (!Array.isArray(value)) throw this.source.error(path, `expected ${what} (a list), got ${describe(value)}`);
    return value;
  }

  string(path: FieldPath, value: unknown, fix?: string): string {
    if (typeof value !== 'string' || value.trim() === '') {
      throw this.source.error(path, `expected a non-empty string, got ${describe(value)}`, fix);
    }
    return value;
  }

  positiveInteger(path: FieldPath, value: unknown, fix?: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw this.source.error(path, `must be a positive integer, got ${describe(value)}`, numberFix(value, 1, fix));
    }
    return value;
  }

  /** A positive integer no larger than `max`; `why` says where the bound comes from. */
  boundedInteger(path: FieldPath, value: unknown, max: number, why: string, fix?: string): number {
    const number = this.positiveInteger(path, value, fix ?? `a whole number from 1 to ${max}`);
    if (number > max) throw this.source.error(path, `must be at most ${max}, got ${describe(value)}`, why);
    return number;
  }

  /** A positive integer no smaller than `least`; `why` says where the bound comes from. */
  integerAtLeast(path: FieldPath, value: unknown, least: number, why: string): number {
    const number = this.positiveInteger(path, value, `a whole number of at least ${least}`);
    if (number < least) throw this.source.error(path, `must be at least ${least}, got ${describe(value)}`, why);
    return number;
  }

  nonNegativeInteger(path: FieldPath, value: unknown, fix?: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw this.source.error(path, `must be a non-negative integer, got ${describe(value)}`, numberFix(value, 0, fix));
    }
    return value;
  }

  /** A seed: 32 bits are what the generator takes, so a larger one gave the forest of a smaller one. */
  seed(path: FieldPath, value: unknown): number {
    const seed = this.nonNegativeInteger(path, value, `a seed is a whole number from 0 to ${MAX_SEED}`);
    if (seed > MAX_SEED)
      throw this.source.error(
        path,
        `must be at most ${MAX_SEED}, got ${describe(value)}`,
        `seeds are 32-bit; ${seed} would give the forest of seed ${seed % 2 ** 32}`,
      );
    return seed;
  }

  integer(path: FieldPath, value: unknown, fix?: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw this.source.error(path, `must be an integer, got ${describe(value)}`, numberFix(value, -Infinity, fix));
    }
    return value;
  }

  oneOf<T extends string>(path: FieldPath, value: unknown, allowed: readonly T[], what: string): T {
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      throw this.source.error(path, `unknown ${what} ${describe(value)}`, `use one of: ${allowed.join(', ')}`);
    }
    return value as T;
  }

  /** Refuses fields we do not know, so a typo (`core: 4`) is not silently ignored. */
  knownKeys(path: FieldPath, value: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw this.source.error([...path, key], `unknown field '${key}'`, `known fields: ${known.join(', ')}`, 'key');
      }
    }
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return quoteForMessage(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** A string as one short line of a message: control characters escaped, cut after 60 characters. */
function quoteForMessage(text: string): string {
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (char) =>
    char === '\ufffd' ? '?' : JSON.stringify(char).slice(1, -1),
  );
  return `'${printable.length > 60 ? `${printable.slice(0, 60)}...` : printable}'`;
}

/** A number written in quotes (`"3"`, `"3.7"`), which YAML reads as text; undefined for anything else. */
export function quotedNumber(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/**
 * What to write instead of a bad whole number: a quoted number is text to YAML (`trees: "20"`), and
 * a fraction is rounded to the nearest allowed value, so the fix is one the user can copy.
 */
function numberFix(value: unknown, least: number, fix?: string): string | undefined {
  const quoted = quotedNumber(value);
  if (quoted !== undefined)
    return `write ${quotedNumberFix(quoted, least)} without quotes: YAML reads a quoted number as text`;
  if (typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value))
    return fix ?? `a whole number, such as ${Math.max(least, Math.round(value))}`;
  return fix;
}

/** For a quoted number, what to write unquoted: dropping the quotes alone is not enough for "3.7" or "-1". */
function quotedNumberFix(quoted: number, least: number): string {
  if (Number.isSafeInteger(quoted) && quoted >= least) return 'it';
  const nearest = Math.max(least, Math.round(quoted));
  return Number.isSafeInteger(nearest) ? `a whole number, such as ${nearest},` : 'a whole number';
}
