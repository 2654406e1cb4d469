import test from 'ava';
import {Random} from '../../src/data/random.js';
import {Kernels} from '../../src/network/wasm/kernels.js';
import {gemmReference, reluBackReference, reluReference, transposeReference} from '../../src/network/wasm/reference.js';

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
  for (const withBias of [true, false])
    test(`gemm ${m} x ${p} times ${p} x ${n}${withBias ? ' plus a bias' : ''}: the reference's bits`, (t) => {
      const random = new Random(m * 1000 + n * 10 + p);
      const kernels = new Kernels();
      // Leading dimensions wider than the matrices, as a layer's weights inside the parameters are.
      const [lda, ldb, ldc] = [p + 3, n + 5, n + 2];
      const a = kernels.allocate(m * lda + 1);
      const b = kernels.allocate(Math.max(1, p) * ldb + 1);
      const c = kernels.allocate(m * ldc + 1);
      const bias = kernels.allocate(n + 1);
      for (const floats of [a, b, bias]) floats.view().set(values(random, floats.length));
      c.view().fill(7);
      kernels.gemm(
        {floats: a, at: 1, ld: lda},
        {floats: b, at: 1, ld: ldb},
        {floats: c, at: 1, ld: ldc},
        withBias ? {floats: bias, at: 1, ld: n} : undefined,
        m,
        n,
        p,
      );
      const expected = new Float32Array(c.length).fill(7);
      gemmReference(
        a.view().subarray(1),
        lda,
        b.view().subarray(1),
        ldb,
        expected.subarray(1),
        ldc,
        withBias ? bias.view().subarray(1) : undefined,
        m,
        n,
        p,
      );
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
  kernels.transpose(src, 0, rows, cols, dst, 0);
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
