/**
 * Text feature columns as ordinal codes, as scikit-learn's OrdinalEncoder gives them: each column's
 * distinct texts sorted, a text's code its place in that order. Read record by record, codes are
 * handed out as texts are first seen, and renumbered in sorted order once the file is read.
 */
export class CategoryCodes {
  private readonly ids: (Map<string, number> | undefined)[];
  private readonly names: (string[] | undefined)[];

  /** `known`: a model's categories per feature (null for a numeric one): codes are theirs, and no text is added. */
  constructor(
    features: number,
    private readonly known?: readonly (readonly string[] | null)[],
  ) {
    this.names = Array.from({length: features}, (_, f) => (known?.[f] ? [...known[f]!] : undefined));
    this.ids = this.names.map((names) => (names ? new Map(names.map((name, i) => [name, i])) : undefined));
  }

  isText(feature: number): boolean {
    return this.ids[feature] !== undefined;
  }

  /** Whether a column that is not text yet may become text: not for a model's columns. */
  get open(): boolean {
    return this.known === undefined;
  }

  /** The code of a text in a text column; undefined for one a model's column never had. */
  code(feature: number, text: string): number | undefined {
    const ids = this.ids[feature]!;
    let id = ids.get(text);
    if (id === undefined && this.open) {
      id = ids.size;
      // Copied: a slice of the file's text would keep the whole file alive as long as the model.
      const name = Buffer.from(text, 'utf8').toString('utf8');
      ids.set(name, id);
      this.names[feature]!.push(name);
    }
    return id;
  }

  /** Makes a column text, from its first word on (the rows before it have none of its values). */
  makeText(feature: number): void {
    this.ids[feature] = new Map();
    this.names[feature] = [];
  }

  /** Each text column's sorted categories (null for numeric ones), its codes renumbered to match; undefined when no column is text. */
  finish(values: Float64Array, rows: number, features: number): (string[] | null)[] | undefined {
    if (!this.names.some((names) => names !== undefined)) return undefined;
    if (this.known) return this.names.map((names) => names ?? null);
    return this.names.map((names, feature) => {
      if (!names) return null;
      const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const rank = new Float64Array(names.length);
      sorted.forEach((name, i) => (rank[this.ids[feature]!.get(name)!] = i));
      for (let row = 0; row < rows; row++) {
        const at = row * features + feature;
        if (!Number.isNaN(values[at])) values[at] = rank[values[at]];
      }
      return sorted;
    });
  }
}
