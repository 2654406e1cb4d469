import type {Criterion} from '../spec.js';
import {Random} from '../../data/random.js';
import type {BinnedData} from './binning.js';
import {RowView} from './row-view.js';
import {SortedRows} from './sorted-rows.js';
import {SplitSearch} from './split-search.js';
import {TreeBuilder} from './tree-builder.js';
import type {FlatTree} from './tree-model.js';

/** Sorted lists are kept when the features to list number at most this many times those drawn per split (measured: beyond, sorting the drawn ones costs less). */
const LISTS_RATIO = 5;
/** Features with fewer bins than this are histogrammed, not listed. */
const MIN_LISTED_BINS = 64;
/**
 * At most this many bytes of sorted lists per slot (4 per row drawn and listed feature). Measured on
 * 20 features, 2-core Xeon (2 MiB L2): lists of 0.8 MB (15,000 rows) took 10% less time than none, of
 * 2.5 MB (50,000 rows) about the same, of 7.6 MB (150,000 rows) 5 to 8% more.
 */
const LISTS_BYTES = 4 * 1024 * 1024;
/** Numbers per node on the stack of nodes to split. */
const FRAME = 6;
/** Where a node's rows are read: the data set's columns, its sorted lists, or the block of a small node's rows (RowView). */
const IN_COLUMNS = 0;
const IN_LISTS = 1;
const IN_BLOCK = 2;

export interface GrowOptions {
  /** Features looked at per split (scikit-learn's max_features as a count). */
  maxFeatures: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  criterion: Criterion;
}

/**
 * Grows trees of Breiman's random forest as scikit-learn does: a bootstrap sample (as per-row
 * counts used as weights), a fresh random subset of features at every split, drawn as
 * scikit-learn's best splitter draws them, the best split of each by gini or entropy, grown until
 * pure or stopped by the options. One grower per slot and data set: its buffers serve every tree.
 */
export class TreeGrower {
  private readonly weight: Float64Array;
  private readonly index: Uint32Array;
  /** The right side of a split while partition() writes the left. */
  private readonly spill: Uint32Array;
  private readonly builder: TreeBuilder;
  private readonly searches = new Map<string, SplitSearch>();
  /** A permutation of the features; its head holds the features known constant in the current node. */
  private readonly order: Int32Array;
  private readonly constants: Int32Array;
  private readonly sorted: SortedRows;
  private readonly view: RowView;
  /** The nodes still to split, FRAME numbers each. */
  private stack = new Int32Array(64 * FRAME);

  constructor(
    private readonly data: BinnedData,
    private readonly labels: Int32Array,
    private readonly classes: number,
  ) {
    this.weight = new Float64Array(data.rows);
    this.index = new Uint32Array(data.rows);
    this.spill = new Uint32Array(data.rows);
    this.builder = new TreeBuilder(classes);
    this.order = new Int32Array(data.features);
    this.constants = new Int32Array(data.features);
    this.sorted = new SortedRows(data);
    this.view = new RowView(data, labels, this.weight);
  }

  /** The tree of `seed`, as views valid until the next call. */
  grow(options: GrowOptions, seed: number): FlatTree & {weight: Float64Array} {
    const random = new Random(seed);
    const sampled = this.bootstrap(random);
    const search = this.searchFor(options.criterion);
    const {builder, index, classes, view} = this;
    view.reset();
    // Depth-first, left child first, with an explicit stack of (node, begin, end, depth, known constant
    // features, where the node's rows are read). A block's subtree is on top of the stack until done.
    let top = this.plantRoot(options, sampled);
    while (top > 0) {
      const {stack} = this;
      top -= FRAME;
      const node = stack[top];
      const begin = stack[top + 1];
      const end = stack[top + 2];
      const depth = stack[top + 3];
      const known = stack[top + 4];
      let rowsIn = stack[top + 5];
      const at = node * classes;
      if (!this.splits(options, depth, end - begin, builder.totals, at)) continue;
      if (rowsIn !== IN_BLOCK && view.inBlock) view.reset();
      if (rowsIn === IN_COLUMNS && view.fits(end - begin)) {
        view.enterBlock(index, begin, end);
        rowsIn = IN_BLOCK;
      }

      search.reset(options.minSamplesLeaf);
      const inLists = rowsIn === IN_LISTS;
      if (inLists) this.sorted.enter(depth);
      const constant = this.drawFeatures(
        search,
        random,
        options.maxFeatures,
        known,
        begin,
        end,
        depth,
        builder.totals,
        at,
        inLists,
      );
      if (search.bestFeature < 0) continue;

      const left = builder.add();
      const right = builder.add();
      builder.split(node, search.bestFeature, search.bestThreshold(), left, right);
      const middle = this.partition(search.bestFeature, search.bestBin, begin, end);
      this.childTotals(index, begin, middle, at, left, right);
      // add() may have moved the arrays.
      const all = builder.totals;
      const leftSplits = this.splits(options, depth + 1, middle - begin, all, left * classes);
      const rightSplits = this.splits(options, depth + 1, end - middle, all, right * classes);
      // Two leaves: their rows are never looked at again.
      if (!leftSplits && !rightSplits) continue;
      if (inLists) this.sorted.split(depth, index, search.bestFeature, begin, middle, end);
      if (rightSplits) top = this.push(top, right, middle, end, depth + 1, constant, rowsIn);
      if (leftSplits) top = this.push(top, left, begin, middle, depth + 1, constant, rowsIn);
    }
    return builder.view();
  }

  /** A tree of one node holding the sampled rows, on the stack; its rows sorted where the lists pay. */
  private plantRoot(options: GrowOptions, sampled: number): number {
    const {builder, index, classes} = this;
    builder.reset();
    for (let f = 0; f < this.order.length; f++) this.order[f] = f;
    const root = builder.add();
    const totals = builder.totals;
    totals.fill(0, 0, classes);
    for (let i = 0; i < sampled; i++) totals[this.labels[index[i]]] += this.weight[index[i]];
    const listed = this.sorted.sort(index, sampled, this.lists(options.maxFeatures, sampled)) > 0;
    return this.push(0, root, 0, sampled, 0, 0, listed ? IN_LISTS : IN_COLUMNS);
  }

  /** The class weights of the left child's rows rows[from..to), and the right child's: the parent's less those. */
  private childTotals(rows: Uint32Array, from: number, to: number, parent: number, left: number, right: number): void {
    const {classes} = this;
    const {labels, weight} = this.view;
    const totals = this.builder.totals;
    const l = left * classes;
    const r = right * classes;
    totals.fill(0, l, l + classes);
    for (let i = from; i < to; i++) totals[l + labels[rows[i]]] += weight[rows[i]];
    for (let c = 0; c < classes; c++) totals[r + c] = totals[parent + c] - totals[l + c];
  }

  /** Pushes a node to split onto the stack (growing it when full); returns the new top. */
  private push(
    top: number,
    node: number,
    begin: number,
    end: number,
    depth: number,
    known: number,
    rowsIn: number,
  ): number {
    if (top + FRAME > this.stack.length) {
      const wider = new Int32Array(this.stack.length * 2);
      wider.set(this.stack);
      this.stack = wider;
    }
    const {stack} = this;
    stack[top] = node;
    stack[top + 1] = begin;
    stack[top + 2] = end;
    stack[top + 3] = depth;
    stack[top + 4] = known;
    stack[top + 5] = rowsIn;
    return top + FRAME;
  }

  /** Draws n rows with replacement as per-row counts; index[0..sampled) lists the rows drawn at least once. */
  private bootstrap(random: Random): number {
    const {weight, index} = this;
    const rows = weight.length;
    weight.fill(0);
    for (let i = 0; i < rows; i++) weight[random.int(rows)]++;
    let sampled = 0;
    for (let r = 0; r < rows; r++) if (weight[r] > 0) index[sampled++] = r;
    return sampled;
  }

  /**
   * scikit-learn's feature sampling (BestSplitter.node_split): draw without replacement until
   * maxFeatures were drawn, counting constant ones, and further only while every feature drawn so
   * far was constant. Features known constant from an ancestor are not looked at again but count
   * when drawn; features found constant here are passed on. Returns how many are known constant now.
   */
  private drawFeatures(
    search: SplitSearch,
    random: Random,
    maxFeatures: number,
    known: number,
    begin: number,
    end: number,
    depth: number,
    totals: Float64Array,
    at: number,
    inLists: boolean,
  ): number {
    const {isListed} = this.sorted;
    const {order, constants} = this;
    let unseen = order.length;
    let visited = 0;
    let foundConstants = 0;
    let drawnConstants = 0;
    let totalConstants = known;
    while (unseen > totalConstants && (visited < maxFeatures || visited <= foundConstants + drawnConstants)) {
      visited++;
      // order: [drawn known constants | undrawn known constants | found constants | undrawn | drawn non-constant]
      let j = drawnConstants + random.int(unseen - foundConstants - drawnConstants);
      if (j < known) {
        swap(order, drawnConstants, j);
        drawnConstants++;
        continue;
      }
      j += foundConstants;
      const f = order[j];
      if (
        inLists && isListed[f] === 1
          ? this.considerListed(search, f, begin, end, depth, totals, at)
          : search.consider(f, begin, end, totals, at)
      ) {
        unseen--;
        swap(order, unseen, j);
      } else {
        swap(order, j, totalConstants);
        foundConstants++;
        totalConstants++;
      }
    }
    // Siblings and children see the known constants in their original order; the new ones follow.
    for (let i = 0; i < known; i++) order[i] = constants[i];
    for (let i = known; i < totalConstants; i++) constants[i] = order[i];
    return totalConstants;
  }

  /** Scores feature f from its sorted list, made exact for this node first. */
  private considerListed(
    search: SplitSearch,
    f: number,
    begin: number,
    end: number,
    depth: number,
    totals: Float64Array,
    at: number,
  ): boolean {
    const {sorted} = this;
    sorted.ensure(f, depth);
    return search.considerSorted(f, sorted.lists, sorted.offsets[f] + begin, sorted.offsets[f] + end, totals, at);
  }

  /** Whether a node of `count` rows at `depth` with class weights totals[at..at + classes) may be split. */
  private splits(options: GrowOptions, depth: number, count: number, totals: Float64Array, at: number): boolean {
    return (
      depth < options.maxDepth &&
      count >= options.minSamplesSplit &&
      count >= 2 * options.minSamplesLeaf &&
      !isPure(totals, at, this.classes)
    );
  }

  /**
   * Which features keep sorted lists. A list costs a pass over its rows at every split; without one,
   * a feature costs a histogram (cheap when it has few bins) or a sort of the node's rows, but only
   * when drawn. So features of many bins are listed, unless they far outnumber those drawn per split,
   * or the lists would not stay in cache: then each of those passes waits on memory.
   */
  private lists(maxFeatures: number, sampled: number): (f: number) => boolean {
    const {binCounts, features} = this.data;
    let many = 0;
    for (let f = 0; f < features; f++) if (binCounts[f] >= MIN_LISTED_BINS) many++;
    if (many > LISTS_RATIO * maxFeatures || many * sampled * 4 > LISTS_BYTES) return () => false;
    return (f) => binCounts[f] >= MIN_LISTED_BINS;
  }

  /**
   * Rows whose bin of `feature` is at most `bin` to the front of index[begin..end), each side in its
   * old order; returns where the rest start. Kept in order, a node's rows stay ascending, so scoring
   * a feature reads its column forwards, a cache line serving several rows, rather than at random.
   */
  private partition(feature: number, bin: number, begin: number, end: number): number {
    const {bins, featureStride, rowStride} = this.view;
    const {index, spill} = this;
    const column = feature * featureStride;
    let low = begin;
    let high = 0;
    for (let i = begin; i < end; i++) {
      const r = index[i];
      if (bins[column + r * rowStride] <= bin) index[low++] = r;
      else spill[high++] = r;
    }
    for (let i = 0; i < high; i++) index[low + i] = spill[i];
    return low;
  }

  private searchFor(criterion: Criterion): SplitSearch {
    let search = this.searches.get(criterion);
    if (!search) {
      search = new SplitSearch(this.data, this.view, this.index, this.classes, criterion);
      this.searches.set(criterion, search);
    }
    return search;
  }
}

function isPure(totals: Float64Array, at: number, classes: number): boolean {
  let nonzero = 0;
  for (let c = 0; c < classes; c++) if (totals[at + c] > 0) nonzero++;
  return nonzero <= 1;
}

function swap(array: Int32Array, i: number, j: number): void {
  const kept = array[i];
  array[i] = array[j];
  array[j] = kept;
}
