import type {BinnedData} from './binning.js';

/** Rows beyond which a list's right part goes back with set() (measured: 1.6 against 1.9 ns a row at 1,024). */
const COPY_BY_SET = 256;
/** Numbers per depth on the path. */
const FRAME = 4;

/**
 * For some features, the list of the current node's rows in bin order, kept from parent to children
 * (the old presorting of scikit-learn and of SLIQ): a tree's lists are its drawn rows taken in order
 * from all rows in bin order (a counting sort once per slot), then every split divides each list
 * stably into its left and right rows, so no node sorts by such a feature and its split is one pass
 * over its rows. Node [begin, end) is lists[offsets[f] + begin .. offsets[f] + end) for every listed
 * feature f. One per slot; its buffers serve every tree, and hold only as many lists as a tree has
 * needed (4 bytes per row drawn, each), and all rows in order for each feature once listed (4 bytes per row).
 */
export class SortedRows {
  lists = new Uint32Array(0);
  /** Where each listed feature's list starts in `lists`. */
  readonly offsets: Int32Array;
  /** 1 for the features listed in this tree. */
  readonly isListed: Uint8Array;
  private readonly listed: Int32Array;
  private listedCount = 0;
  private readonly spare: Uint32Array;
  /** Where each row is in the grower's rows (index), as of the last split above the current node. */
  private readonly position: Int32Array;
  /** Each listed feature's list is exact for the nodes of the current path down to this depth. */
  private readonly exactTo: Int32Array;
  /** For each depth of the current path, its node's split: begin, middle, end, feature. */
  private path = new Int32Array(64 * FRAME);
  private readonly counts: Uint32Array;
  /** 1 for the rows the current tree drew. */
  private readonly drawn: Uint8Array;
  /** All rows in bin order, for each feature listed so far: presortedAt[f] is where feature f's start, -1 before. */
  private presorted = new Uint32Array(0);
  private readonly presortedAt: Int32Array;
  private presortedCount = 0;

  constructor(private readonly data: BinnedData) {
    this.offsets = new Int32Array(data.features);
    this.isListed = new Uint8Array(data.features);
    this.listed = new Int32Array(data.features);
    this.spare = new Uint32Array(data.rows);
    this.position = new Int32Array(data.rows);
    this.exactTo = new Int32Array(data.features);
    this.drawn = new Uint8Array(data.rows);
    this.presortedAt = new Int32Array(data.features).fill(-1);
    let widest = 1;
    for (let f = 0; f < data.features; f++) widest = Math.max(widest, data.binCounts[f]);
    this.counts = new Uint32Array(widest + 1);
  }

  /**
   * Lists rows[0..count) (ascending, the rows a tree drew) by bin for each feature that `list` picks;
   * rows of one bin keep their order. Returns how many are listed.
   */
  sort(rows: Uint32Array, count: number, list: (f: number) => boolean): number {
    const {listed, isListed, offsets, drawn} = this;
    this.listedCount = 0;
    for (let f = 0; f < this.data.features; f++) {
      isListed[f] = list(f) ? 1 : 0;
      if (isListed[f] === 1) listed[this.listedCount++] = f;
    }
    if (this.listedCount === 0) return 0;
    // A list holds the rows drawn at least once (about 63% of them), so that is its length; one more
    // place for the last list's filter to write into.
    if (this.lists.length < this.listedCount * count + 1) this.lists = new Uint32Array(this.listedCount * count + 1);
    drawn.fill(0);
    for (let i = 0; i < count; i++) drawn[rows[i]] = 1;
    for (let k = 0; k < this.listedCount; k++) {
      offsets[listed[k]] = k * count;
      this.exactTo[listed[k]] = 0;
      this.keepDrawn(this.allRowsSorted(listed[k]), k * count);
    }
    return this.listedCount;
  }

  /** Copies the drawn rows of `all` (every row, in bin order) to lists[out..), in that order. */
  private keepDrawn(all: number, out: number): void {
    const {lists, presorted, drawn} = this;
    const rows = this.data.rows;
    let at = out;
    // Every row written, the place advanced by its mark: no branch to mispredict.
    for (let i = all; i < all + rows; i++) {
      const r = presorted[i];
      lists[at] = r;
      at += drawn[r];
    }
  }

  /**
   * Where all rows in bin order of feature f start in `presorted`, sorted on first need (a counting
   * sort, once per slot and data set): each tree then filters them instead of sorting its own.
   */
  private allRowsSorted(f: number): number {
    if (this.presortedAt[f] >= 0) return this.presortedAt[f];
    const {bins, rows} = this.data;
    const at = this.presortedCount++ * rows;
    if (this.presorted.length < at + rows) {
      const wider = new Uint32Array(Math.max(at + rows, 2 * this.presorted.length));
      wider.set(this.presorted);
      this.presorted = wider;
    }
    const {counts, presorted} = this;
    const column = f * rows;
    const binCount = this.data.binCounts[f];
    counts.fill(0, 0, binCount + 1);
    for (let r = 0; r < rows; r++) counts[bins[column + r] + 1]++;
    for (let b = 1; b <= binCount; b++) counts[b] += counts[b - 1];
    for (let r = 0; r < rows; r++) presorted[at + counts[bins[column + r]]++] = r;
    this.presortedAt[f] = at;
    return at;
  }

  /** True when every row of node [begin, end) has the same bin of feature f: the ends of its list agree. */
  isConstant(f: number, begin: number, end: number): boolean {
    const {bins, rows} = this.data;
    const out = this.offsets[f];
    return bins[f * rows + this.lists[out + begin]] === bins[f * rows + this.lists[out + end - 1]];
  }

  /**
   * The node at `depth` of the current path is being split: lists stay exact down to it and no
   * further (what was divided below an earlier node of that depth, a sibling's, is not its).
   */
  enter(depth: number): void {
    const {listed, exactTo} = this;
    for (let k = 0; k < this.listedCount; k++) if (exactTo[listed[k]] > depth) exactTo[listed[k]] = depth;
  }

  /**
   * Node [begin, end) at `depth` splits as rows[begin..end) now is, at `middle` (left rows first).
   * No list is divided yet: each is, when a node below draws its feature (ensure), so a feature
   * no node below draws costs nothing here. Notes the split on the path and where each row now is.
   */
  split(depth: number, rows: Uint32Array, feature: number, begin: number, middle: number, end: number): void {
    if (this.path.length < FRAME * (depth + 1)) {
      const wider = new Int32Array(2 * FRAME * (depth + 1));
      wider.set(this.path);
      this.path = wider;
    }
    const {path, position} = this;
    path[FRAME * depth] = begin;
    path[FRAME * depth + 1] = middle;
    path[FRAME * depth + 2] = end;
    path[FRAME * depth + 3] = feature;
    for (let i = begin; i < end; i++) position[rows[i]] = i;
  }

  /** Makes feature f's list exact for the node at `depth` of the current path: divides it at each split above that it has not been. */
  ensure(f: number, depth: number): void {
    const {path} = this;
    for (let d = this.exactTo[f]; d < depth; d++)
      this.divide(f, path[FRAME * d], path[FRAME * d + 1], path[FRAME * d + 2], path[FRAME * d + 3]);
    this.exactTo[f] = depth;
  }

  /**
   * Divides f's list of node [begin, end) stably into the rows now placed before `middle` and the rest
   * (the split feature's list already is). A feature constant in the node is left as it is: any part of
   * its list holds rows of that one bin, so the nodes below see it constant too.
   */
  private divide(f: number, begin: number, middle: number, end: number, split: number): void {
    if (f === split || this.isConstant(f, begin, end)) return;
    const {lists, spare, position} = this;
    const out = this.offsets[f];
    let left = out + begin;
    let right = 0;
    // Both writes every time, the counters advance by the mark: no branch to mispredict.
    for (let i = out + begin; i < out + end; i++) {
      const r = lists[i];
      const toLeft = (position[r] - middle) >>> 31;
      lists[left] = r;
      spare[right] = r;
      left += toLeft;
      right += 1 - toLeft;
    }
    // Long runs are copied by set() (a memory copy); short ones cheaper by hand than a view.
    if (right > COPY_BY_SET) lists.set(spare.subarray(0, right), left);
    else for (let i = 0; i < right; i++) lists[left + i] = spare[i];
  }
}
