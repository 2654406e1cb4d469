import test from 'ava';
import {Random} from '../../src/data/random.js';
import {Kernels, packedLength} from '../../src/network/wasm/kernels.js';
import {
  addFixedPointReference,
  columnSumsReference,
  gemmReference,
  reluBackReference,
  reluReference,
  transposeReference,
} from '../../src/network/wasm/reference.js';

/** Values of several magnitudes and signs, zeros, a -0 and some that round differently in float32. */
function values(random: Random, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const kind = random.uniform(0, 1);
    out[i] = kind < 0.05 ? 0 : kind < 0.07 ? -0 : random.uniform(-1, 1) * 10 ** Math.floor(random.uniform(-3, 3));
  }
  return out;
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

// Sizes on both sides of the kernels' blocks (4 rows, 8 columns), and the network's own.
const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [3, 7, 5],
  [4, 8, 1],
  [5, 9, 13],
  [9, 17, 3],
  [32, 128, 784],
  [30, 10, 64],
  [1, 2, 32],
  [784, 128, 32],
  [7, 33, 0],
];

for (const [m, n, p] of SIZES)
  for (const [withBias, transposed] of [
    [true, false],
    [false, false],
    [false, true],
  ])
    test(`gemm ${m} x ${p} times ${p} x ${n}${withBias ? ' plus a bias' : ''}${transposed ? ', A packed from its transpose' : ''}: the reference's bits`, (t) => {
      const random = new Random(m * 1000 + n * 10 + p);
      const kernels = new Kernels();
      // Leading dimensions wider than the matrices, as a layer's weights inside the parameters are.
      const [lda, ldb, ldc] = transposed ? [m + 3, n + 5, n + 2] : [p + 3, n + 5, n + 2];
      const a = kernels.allocate((transposed ? p : m) * lda + 1);
      const b = kernels.allocate(Math.max(1, p) * ldb + 1);
      const c = kernels.allocate(m * ldc + 1);
      const bias = kernels.allocate(n + 1);
      const panels = kernels.allocate(packedLength(m, p));
      for (const floats of [a, b, bias]) floats.view().set(values(random, floats.length));
      c.view().fill(7);
      if (transposed) kernels.packColumns({floats: a, at: 1, ld: lda}, m, p, panels);
      else kernels.packRows({floats: a, at: 1, ld: lda}, m, p, panels);
      const biasAt = withBias ? {floats: bias, at: 1, ld: n} : undefined;
      kernels.gemm(
        {floats: panels, at: 0, stride: 4 * p},
        {floats: b, at: 1, ld: ldb},
        {floats: c, at: 1, ld: ldc},
        biasAt,
        m,
        n,
        p,
      );

      // The reference reads A row-major: transpose it first where the kernel packed it from its transpose.
      const rowMajor = new Float32Array(m * Math.max(p, 1));
      const av = a.view().subarray(1);
      for (let i = 0; i < m; i++)
        for (let k = 0; k < p; k++) rowMajor[i * p + k] = transposed ? av[k * lda + i] : av[i * lda + k];
      const expected = new Float32Array(c.length).fill(7);
      const biasValues = withBias ? bias.view().subarray(1) : undefined;
      gemmReference(rowMajor, p, b.view().subarray(1), ldb, expected.subarray(1), ldc, biasValues, m, n, p);
      t.deepEqual(bits(c.view()), bits(expected));
    });

test('column sums and the fixed-point sum: the reference bits, ties to even, clamps and NaN counted', (t) => {
  const random = new Random(11);
  const kernels = new Kernels();
  const [rows, n, ld] = [29, 23, 27];
  const d = kernels.allocate(rows * ld);
  d.view().set(values(random, rows * ld));
  const out = kernels.allocate(n);
  kernels.columnSums({floats: d, at: 0, ld}, rows, n, {floats: out, at: 0, ld: n});
  const expected = new Float32Array(n);
  columnSumsReference(d.view(), ld, rows, n, expected);
  t.deepEqual(bits(out.view()), bits(expected));

  const gradient = kernels.allocate(103);
  const g = values(random, 103);
  // Ties at this scale (2.5 and -2.5 rounded to even), values past the limit, a NaN, a -0.
  g.set([2.5 / 1024, -2.5 / 1024, 1e6, -1e6, NaN, -0, 3.5 / 1024], 0);
  gradient.view().set(g);
  const sum = kernels.allocateDoubles(103);
  sum.view().fill(5);
  const clamped = kernels.addFixedPoint(sum, 0, gradient, 103, 1024, 1e8);
  const expectedSum = new Float64Array(103).fill(5);
  const expectedClamped = addFixedPointReference(expectedSum, g, 1024, 1e8);
  t.deepEqual(Array.from(sum.view()), Array.from(expectedSum));
  t.is(clamped, expectedClamped);
  t.is(clamped, 3);
  t.deepEqual(Array.from(sum.view().subarray(0, 2)), [7, 3]);

  // Values that all fit the limit take the kernel's fast path: the same sums.
  const fitting = values(random, 103).map((v) => v / 1000);
  fitting.set([2.5 / 1024, -2.5 / 1024, -0], 10);
  gradient.view().set(fitting);
  t.is(kernels.addFixedPoint(sum, 0, gradient, 103, 1024, 1e8), 0);
  t.is(addFixedPointReference(expectedSum, fitting, 1024, 1e8), 0);
  t.deepEqual(Array.from(sum.view()), Array.from(expectedSum));
});

test("gemm over some of A's columns (one chunk's rows of a layer's input): the reference's bits", (t) => {
  const random = new Random(13);
  const kernels = new Kernels();
  const [m, n, p, from, count] = [18, 21, 70, 32, 29];
  // A = src transposed, src (p x m): A's columns are src's rows; the product reads columns [from, from + count).
  const src = kernels.allocate(p * m);
  const b = kernels.allocate(count * n);
  const c = kernels.allocate(m * n);
  const panels = kernels.allocate(packedLength(m, p));
  src.view().set(values(random, p * m));
  b.view().set(values(random, count * n));
  kernels.packColumns({floats: src, at: 0, ld: m}, m, p, panels);
  kernels.gemm(
    {floats: panels, at: 4 * from, stride: 4 * p},
    {floats: b, at: 0, ld: n},
    {floats: c, at: 0, ld: n},
    undefined,
    m,
    n,
    count,
  );
  const a = new Float32Array(m * count);
  for (let i = 0; i < m; i++) for (let k = 0; k < count; k++) a[i * count + k] = src.view()[(from + k) * m + i];
  const expected = new Float32Array(m * n);
  gemmReference(a, count, b.view(), n, expected, n, undefined, m, n, count);
  t.deepEqual(bits(c.view()), bits(expected));
});

test('transpose, relu and its derivative: the reference bits, -0 and NaN included', (t) => {
  const random = new Random(5);
  const kernels = new Kernels();
  const [rows, cols] = [13, 11];
  const src = kernels.allocate(rows * cols);
  const dst = kernels.allocate(rows * cols);
  const input = values(random, rows * cols);
  input[3] = NaN;
  src.view().set(input);
  kernels.transpose({floats: src, at: 0, ld: cols}, rows, cols, dst);
  const transposed = new Float32Array(rows * cols);
  transposeReference(input, rows, cols, transposed);
  t.deepEqual(bits(dst.view()), bits(transposed));

  const error = kernels.allocate(rows * cols);
  const errorValues = values(random, rows * cols);
  error.view().set(errorValues);
  kernels.reluBack(error, src, rows * cols);
  reluBackReference(errorValues, input, rows * cols);
  t.deepEqual(bits(error.view()), bits(errorValues));

  kernels.relu(src, rows * cols);
  reluReference(input, rows * cols);
  t.deepEqual(bits(src.view()), bits(input));
});

test('arrays allocated after the memory grew are fresh, and earlier views still read their values', (t) => {
  const kernels = new Kernels();
  const first = kernels.allocate(10);
  first.view().fill(3);
  const big = kernels.allocate(200_000);
  t.true(big.view().every((v) => v === 0));
  t.true(first.view().every((v) => v === 3));
});
