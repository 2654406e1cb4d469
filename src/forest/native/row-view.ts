import type {BinnedData} from './binning.js';
import {l2CacheBytes} from './cache-size.js';

/**
 * At most this many bytes of bins copied for a node's subtree (rows x features x 2): the host's L2
 * cache, where it stays while the subtree is grown (Fashion-MNIST, 20,000 x 784, on an AMD EPYC of
 * 1 MiB L2 per core: blocks of 128 KiB 1.87 s, 256 KiB 1.63, 512 KiB 1.48, 1 MiB 1.34, 2 MiB 1.38,
 * 8 MiB 1.65, for 10 trees). Where rows are read does not change the tree.
 */
const BLOCK_BYTES = l2CacheBytes();
/** Features per row below which a row is copied by a loop rather than by set() (which costs a view). */
const COPY_BY_SET = 64;

/**
 * Where the split search and the partition read a row's bin, class and weight: row r's bin of feature
 * f is bins[f * featureStride + r * rowStride]. At first the data set's columns and the rows' own
 * numbers; below a node small enough, a block of the node's rows, copied whole from the bins stored
 * by row, that the node's subtree reads instead, its rows numbered from 0. A fully grown tree's deep
 * nodes hold a few rows each, and on wide data each of them draws features of its own: read from the
 * columns, each of those bins is a miss of every cache (one feature's column is 40 KB at 20,000
 * rows, and there are 784 of them); read from the block, a hit.
 *
 * One object, mutated, so the hot loops that read it see one shape.
 */
export class RowView {
  bins: Uint16Array;
  featureStride: number;
  rowStride = 1;
  labels: Int32Array;
  weight: Float64Array;
  /** Whether the current node's rows are numbered in the block. */
  inBlock = false;
  /** Most rows a block holds; 0 when the data set has no bins stored by row. */
  readonly blockRows: number;
  private readonly block: Uint16Array;
  private readonly blockLabels: Int32Array;
  private readonly blockWeight: Float64Array;

  constructor(
    private readonly data: BinnedData,
    private readonly allLabels: Int32Array,
    private readonly allWeight: Float64Array,
  ) {
    this.bins = data.bins;
    this.featureStride = data.rows;
    this.labels = allLabels;
    this.weight = allWeight;
    this.blockRows = data.rowBins ? Math.floor(BLOCK_BYTES / (2 * data.features)) : 0;
    this.block = new Uint16Array(this.blockRows * data.features);
    this.blockLabels = new Int32Array(this.blockRows);
    this.blockWeight = new Float64Array(this.blockRows);
  }

  /** Back to the data set's columns, for a new tree. */
  reset(): void {
    this.bins = this.data.bins;
    this.featureStride = this.data.rows;
    this.rowStride = 1;
    this.labels = this.allLabels;
    this.weight = this.allWeight;
    this.inBlock = false;
  }

  /** Whether a node of `count` rows not yet in a block is worth copying into one for its subtree. */
  fits(count: number): boolean {
    return !this.inBlock && count <= this.blockRows;
  }

  /**
   * Copies rows index[begin..end) (the data set's numbers) into the block and renumbers them there
   * 0, 1, ...; the node's subtree then reads the block. It holds the rows in their order, so the
   * rows of every node below stay ascending.
   */
  enterBlock(index: Uint32Array, begin: number, end: number): void {
    const {features} = this.data;
    const rowBins = this.data.rowBins!;
    const {block, blockLabels, blockWeight, allLabels, allWeight} = this;
    for (let i = 0; i < end - begin; i++) {
      const r = index[begin + i];
      const from = r * features;
      if (features >= COPY_BY_SET) block.set(rowBins.subarray(from, from + features), i * features);
      else for (let f = 0, to = i * features; f < features; f++) block[to + f] = rowBins[from + f];
      blockLabels[i] = allLabels[r];
      blockWeight[i] = allWeight[r];
      index[begin + i] = i;
    }
    this.bins = block;
    this.featureStride = 1;
    this.rowStride = features;
    this.labels = blockLabels;
    this.weight = blockWeight;
    this.inBlock = true;
  }
}
