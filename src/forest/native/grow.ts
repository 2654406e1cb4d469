import {Random} from '../../data/random.js';
import type {BinnedData} from './binning.js';
import {SplitSearch} from './split-search.js';
import {TreeBuilder} from './tree-builder.js';
import type {FlatTree} from './tree-model.js';

export interface GrowOptions {
  /** Features looked at per split (scikit-learn's max_features as a count). */
  maxFeatures: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  criterion: 'gini' | 'entropy';
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
  private readonly builder: TreeBuilder;
  private readonly searches = new Map<string, SplitSearch>();
  /** A permutation of the features; its head holds the features known constant in the current node. */
  private readonly order: Int32Array;
  private readonly constants: Int32Array;

  constructor(
    private readonly data: BinnedData,
    private readonly labels: Int32Array,
    private readonly classes: number,
  ) {
    this.weight = new Float64Array(data.rows);
    this.index = new Uint32Array(data.rows);
    this.builder = new TreeBuilder(classes);
    this.order = new Int32Array(data.features);
    this.constants = new Int32Array(data.features);
  }

  /** The tree of `seed`, as views valid until the next call. */
  grow(options: GrowOptions, seed: number): FlatTree {
    const random = new Random(seed);
    const sampled = this.bootstrap(random);
    const search = this.searchFor(options.criterion);
    const {builder, index, classes} = this;
    builder.reset();
    for (let f = 0; f < this.order.length; f++) this.order[f] = f;
    const root = builder.add();
    const totals = builder.totals;
    totals.fill(0, 0, classes);
    for (let i = 0; i < sampled; i++) totals[this.labels[index[i]]] += this.weight[index[i]];

    // Depth-first, left child first, with an explicit stack of (node, begin, end, depth, known constant features).
    const stack: number[] = [root, 0, sampled, 0, 0];
    while (stack.length > 0) {
      const known = stack.pop()!;
      const depth = stack.pop()!;
      const end = stack.pop()!;
      const begin = stack.pop()!;
      const node = stack.pop()!;
      const count = end - begin;
      const at = node * classes;
      if (depth >= options.maxDepth || count < options.minSamplesSplit || count < 2 * options.minSamplesLeaf || isPure(builder.totals, at, classes)) continue;

      search.reset(options.minSamplesLeaf);
      const constant = this.drawFeatures(search, random, options.maxFeatures, known, begin, end, builder.totals, at);
      if (search.bestFeature < 0) continue;

      const middle = this.partition(search.bestFeature, search.bestBin, begin, end);
      const left = builder.add();
      const right = builder.add();
      builder.split(node, search.bestFeature, search.bestThreshold, left, right);
      // add() may have moved the arrays.
      const all = builder.totals;
      for (let c = 0; c < classes; c++) {
        all[left * classes + c] = search.bestLeft[c];
        all[right * classes + c] = all[at + c] - search.bestLeft[c];
      }
      stack.push(right, middle, end, depth + 1, constant, left, begin, middle, depth + 1, constant);
    }
    return builder.view();
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
  private drawFeatures(search: SplitSearch, random: Random, maxFeatures: number, known: number, begin: number, end: number, totals: Float64Array, at: number): number {
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
      if (search.consider(f, begin, end, totals, at)) {
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

  /** Rows whose bin of `feature` is at most `bin` to the front of index[begin..end); returns where the rest start. */
  private partition(feature: number, bin: number, begin: number, end: number): number {
    const {bins, rows} = this.data;
    const {index} = this;
    const column = feature * rows;
    let low = begin;
    let high = end - 1;
    while (low <= high) {
      if (bins[column + index[low]] <= bin) low++;
      else {
        const swapped = index[low];
        index[low] = index[high];
        index[high--] = swapped;
      }
    }
    return low;
  }

  private searchFor(criterion: 'gini' | 'entropy'): SplitSearch {
    let search = this.searches.get(criterion);
    if (!search) {
      search = new SplitSearch(this.data, this.labels, this.weight, this.index, this.classes, criterion);
      this.searches.set(criterion, search);
    }
    return search;
  }
}

/** One tree, with a grower of its own (tests; trainers keep a grower per slot). */
export function growTree(data: BinnedData, labels: Int32Array, classes: number, options: GrowOptions, seed: number): FlatTree {
  return new TreeGrower(data, labels, classes).grow(options, seed);
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
