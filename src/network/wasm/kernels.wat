;; The network's dense kernels in WebAssembly with 128-bit SIMD: the same bytes, and the same
;; results to the last bit, on x86-64 (SSE) and on ARM (NEON), in Node.js 18 and later.
;;
;; Determinism: only IEEE float32 multiply and add, each rounded on its own (no fused multiply-add,
;; no relaxed SIMD), and every output element sums its products in one fixed order, k ascending
;; from its starting value. Vectors run across output columns, never across the sum, so a lane's
;; order is the scalar order: src/network/reference-kernels.ts computes the same bits in TypeScript.
;;
;; Addresses are byte offsets into the module's memory; leading dimensions are in elements.

(module
  (memory (export "memory") 1)

  ;; C[i][j] = (bias ? bias[j] : 0) + sum over k < p of A[i][k] * B[k][j], for i < m, j < n.
  ;; Blocks of 4 rows x 8 columns keep 8 vector sums in registers while A's 4 values and B's
  ;; 8 stream past; leftover rows go one at a time, leftover columns one at a time.
  (func (export "gemm")
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $bias i32)
    (param $m i32) (param $n i32) (param $p i32)
    (local $i i32) (local $j i32)
    (local.set $i (i32.const 0))
    (block $rows4_done
      (loop $rows4
        (br_if $rows4_done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $cols8_done
          (loop $cols8
            (br_if $cols8_done (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
            (call $block4x8 (local.get $a) (local.get $lda) (local.get $b) (local.get $ldb)
              (local.get $c) (local.get $ldc) (local.get $bias) (local.get $p) (local.get $i) (local.get $j))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols8)))
        (call $columns (local.get $a) (local.get $lda) (local.get $b) (local.get $ldb)
          (local.get $c) (local.get $ldc) (local.get $bias) (local.get $p)
          (local.get $i) (i32.add (local.get $i) (i32.const 4)) (local.get $j) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $cols8_done
          (loop $cols8
            (br_if $cols8_done (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
            (call $block1x8 (local.get $a) (local.get $lda) (local.get $b) (local.get $ldb)
              (local.get $c) (local.get $ldc) (local.get $bias) (local.get $p) (local.get $i) (local.get $j))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols8)))
        (call $columns (local.get $a) (local.get $lda) (local.get $b) (local.get $ldb)
          (local.get $c) (local.get $ldc) (local.get $bias) (local.get $p)
          (local.get $i) (i32.add (local.get $i) (i32.const 1)) (local.get $j) (local.get $n))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; The starting values of 4 columns at j: the bias's, or zeros.
  (func $start (param $bias i32) (param $j i32) (result v128)
    (if (result v128) (local.get $bias)
      (then (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
      (else (f32x4.splat (f32.const 0)))))

  ;; Rows i..i+3, columns j..j+7.
  (func $block4x8
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $bias i32) (param $p i32) (param $i i32) (param $j i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $end i32)
    (local $pb i32) (local $stepb i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a0 (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
    (local.set $a1 (i32.add (local.get $a0) (i32.shl (local.get $lda) (i32.const 2))))
    (local.set $a2 (i32.add (local.get $a1) (i32.shl (local.get $lda) (i32.const 2))))
    (local.set $a3 (i32.add (local.get $a2) (i32.shl (local.get $lda) (i32.const 2))))
    (local.set $end (i32.add (local.get $a0) (i32.shl (local.get $p) (i32.const 2))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $stepb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $c00 (call $start (local.get $bias) (local.get $j)))
    (local.set $c01 (call $start (local.get $bias) (i32.add (local.get $j) (i32.const 4))))
    (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c01))
    (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c01))
    (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c01))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $a0) (local.get $end)))
        (local.set $b0 (v128.load (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $x (f32x4.splat (f32.load (local.get $a0))))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (f32x4.splat (f32.load (local.get $a1))))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (f32x4.splat (f32.load (local.get $a2))))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (f32x4.splat (f32.load (local.get $a3))))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
        (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
        (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
        (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
        (local.set $pb (i32.add (local.get $pb) (local.get $stepb)))
        (br $k)))
    (call $store8 (local.get $c) (local.get $ldc) (i32.add (local.get $i) (i32.const 0)) (local.get $j) (local.get $c00) (local.get $c01))
    (call $store8 (local.get $c) (local.get $ldc) (i32.add (local.get $i) (i32.const 1)) (local.get $j) (local.get $c10) (local.get $c11))
    (call $store8 (local.get $c) (local.get $ldc) (i32.add (local.get $i) (i32.const 2)) (local.get $j) (local.get $c20) (local.get $c21))
    (call $store8 (local.get $c) (local.get $ldc) (i32.add (local.get $i) (i32.const 3)) (local.get $j) (local.get $c30) (local.get $c31)))

  ;; Row i, columns j..j+7.
  (func $block1x8
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $bias i32) (param $p i32) (param $i i32) (param $j i32)
    (local $a0 i32) (local $end i32) (local $pb i32) (local $stepb i32) (local $x v128)
    (local $c00 v128) (local $c01 v128)
    (local.set $a0 (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
    (local.set $end (i32.add (local.get $a0) (i32.shl (local.get $p) (i32.const 2))))
    (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
    (local.set $stepb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $c00 (call $start (local.get $bias) (local.get $j)))
    (local.set $c01 (call $start (local.get $bias) (i32.add (local.get $j) (i32.const 4))))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $a0) (local.get $end)))
        (local.set $x (f32x4.splat (f32.load (local.get $a0))))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (v128.load (local.get $pb)))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))
        (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
        (local.set $pb (i32.add (local.get $pb) (local.get $stepb)))
        (br $k)))
    (call $store8 (local.get $c) (local.get $ldc) (local.get $i) (local.get $j) (local.get $c00) (local.get $c01)))

  (func $store8 (param $c i32) (param $ldc i32) (param $i i32) (param $j i32) (param $v0 v128) (param $v1 v128)
    (local $at i32)
    (local.set $at (i32.add (local.get $c)
      (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
    (v128.store (local.get $at) (local.get $v0))
    (v128.store offset=16 (local.get $at) (local.get $v1)))

  ;; Rows [from, to), columns [j, n), one element at a time, in the same order as a vector lane.
  (func $columns
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $bias i32) (param $p i32)
    (param $from i32) (param $to i32) (param $j i32) (param $n i32)
    (local $i i32) (local $col i32) (local $k i32) (local $sum f32) (local $pa i32) (local $pb i32)
    (local.set $i (local.get $from))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $to)))
        (local.set $col (local.get $j))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $col) (local.get $n)))
            (local.set $sum
              (if (result f32) (local.get $bias)
                (then (f32.load (i32.add (local.get $bias) (i32.shl (local.get $col) (i32.const 2)))))
                (else (f32.const 0))))
            (local.set $pa (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $lda)) (i32.const 2))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $k
                (br_if $k_done (i32.ge_s (local.get $k) (local.get $p)))
                (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
                (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (i32.shl (local.get $ldb) (i32.const 2))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $k)))
            (f32.store
              (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $col)) (i32.const 2)))
              (local.get $sum))
            (local.set $col (i32.add (local.get $col) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; dst (cols x rows) = the transpose of src (rows x cols).
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (local $r i32) (local $c i32)
    (local.set $r (i32.const 0))
    (block $r_done
      (loop $r_loop
        (br_if $r_done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $c_done
          (loop $c_loop
            (br_if $c_done (i32.ge_s (local.get $c) (local.get $cols)))
            (f32.store
              (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
              (f32.load
                (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $c_loop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $r_loop))))

  ;; v = v < 0 ? 0 : v for count values (pmax keeps -0 and NaN as JavaScript's comparison does).
  (func (export "relu") (param $at i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $v
        (br_if $done (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $at) (f32x4.pmax (v128.load (local.get $at)) (f32x4.splat (f32.const 0))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (f32.store (local.get $at) (select (f32.const 0) (f32.load (local.get $at)) (f32.lt (f32.load (local.get $at)) (f32.const 0))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $s))))

  ;; error = value > 0 ? error : 0 for count values: relu's derivative.
  (func (export "reluBack") (param $error i32) (param $values i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $error) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $v
        (br_if $done (i32.gt_u (i32.add (local.get $error) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $error)
          (v128.and (v128.load (local.get $error)) (f32x4.gt (v128.load (local.get $values)) (f32x4.splat (f32.const 0)))))
        (local.set $error (i32.add (local.get $error) (i32.const 16)))
        (local.set $values (i32.add (local.get $values) (i32.const 16)))
        (br $v)))
    (block $done
      (loop $s
        (br_if $done (i32.ge_u (local.get $error) (local.get $end)))
        (if (i32.eqz (f32.gt (f32.load (local.get $values)) (f32.const 0)))
          (then (f32.store (local.get $error) (f32.const 0))))
        (local.set $error (i32.add (local.get $error) (i32.const 4)))
        (local.set $values (i32.add (local.get $values) (i32.const 4)))
        (br $s))))
)
