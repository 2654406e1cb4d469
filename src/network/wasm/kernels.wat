;; The network's dense kernels in WebAssembly with 128-bit SIMD: the same bytes, and the same
;; results to the last bit, on x86-64 (SSE) and on ARM (NEON), in Node.js 18 and later.
;;
;; Determinism: only IEEE float32 multiply and add, each rounded on its own (no fused multiply-add,
;; no relaxed SIMD), and every output element sums its products in one fixed order, k ascending
;; from its starting value. Vectors run across output columns (or, for a lone column, across the
;; 4 rows of a panel), never along the sum, so each lane's order is the scalar order:
;; src/network/wasm/reference.ts computes the same bits in TypeScript.
;;
;; The matrix product reads A packed as BLAS libraries pack it: panels of 4 rows, each k's 4 values
;; side by side (16 bytes), each broadcast to a vector by a load (load32_splat: a load, not a shuffle,
;; so the multiply and add units do nothing else), and the loop walks one pointer. Packing also
;; serves A transposed (a layer's input for its weights' gradient) at the cost of a copy.
;;
;; Addresses are byte offsets into the module's memory; leading dimensions (ld) are in elements.

(module
  (memory (export "memory") 1)

  ;; Panels of A = src (m x p, rows ld apart): panel q holds rows 4q..4q+3, k by k; rows past m are 0.
  (func (export "packRows") (param $src i32) (param $ld i32) (param $m i32) (param $p i32) (param $dst i32)
    (local $i i32) (local $k i32) (local $row i32) (local $out i32)
    (local.set $i (i32.const 0))
    (block $i_done
      (loop $i_loop
        (br_if $i_done (i32.ge_s (local.get $i) (i32.and (i32.add (local.get $m) (i32.const 3)) (i32.const -4))))
        (local.set $row (i32.add (local.get $src) (i32.shl (i32.mul (local.get $i) (local.get $ld)) (i32.const 2))))
        (local.set $out (i32.add (local.get $dst)
          (i32.add (i32.shl (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (local.get $p)) (i32.const 4))
                   (i32.shl (i32.and (local.get $i) (i32.const 3)) (i32.const 2)))))
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $k_loop
            (br_if $k_done (i32.ge_s (local.get $k) (local.get $p)))
            (f32.store (local.get $out)
              (if (result f32) (i32.lt_s (local.get $i) (local.get $m))
                (then (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
                (else (f32.const 0))))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $i_loop))))

  ;; Panels of A = src transposed: A[i][k] = src[k][i] for i < m, k < p; 4 values of a src row at a time.
  (func (export "packColumns") (param $src i32) (param $ld i32) (param $m i32) (param $p i32) (param $dst i32)
    (local $q i32) (local $k i32) (local $in i32) (local $out i32) (local $r i32)
    (local.set $q (i32.const 0))
    (local.set $out (local.get $dst))
    (block $q_done
      (loop $q_loop
        (br_if $q_done (i32.ge_s (local.get $q) (local.get $m)))
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $k_loop
            (br_if $k_done (i32.ge_s (local.get $k) (local.get $p)))
            (local.set $in (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $k) (local.get $ld)) (local.get $q)) (i32.const 2))))
            (if (i32.le_s (i32.add (local.get $q) (i32.const 4)) (local.get $m))
              (then (v128.store (local.get $out) (v128.load (local.get $in))))
              (else
                (v128.store (local.get $out) (v128.const i32x4 0 0 0 0))
                (local.set $r (i32.const 0))
                (block $r_done
                  (loop $r_loop
                    (br_if $r_done (i32.ge_s (i32.add (local.get $q) (local.get $r)) (local.get $m)))
                    (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
                      (f32.load (i32.add (local.get $in) (i32.shl (local.get $r) (i32.const 2)))))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $r_loop)))))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k_loop)))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $q_loop))))

  ;; C[i][j] = (bias ? bias[j] : 0) + sum over k < p of A[i][k] * B[k][j], for i < m, j < n, with A
  ;; in panels (packRows, packColumns). Blocks of 4 rows x 8 columns keep 8 vector sums in registers;
  ;; then 4 columns; then one column at a time, its 4 rows in one vector.
  ;; $panelStride is the bytes from one panel to the next: 16 p for A packed whole; more where the
  ;; product reads only some of A's columns (one chunk's rows of a layer's input, packed whole).
  (func (export "gemm")
    (param $panels i32) (param $panelStride i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (param $bias i32) (param $m i32) (param $n i32) (param $p i32)
    (local $i i32) (local $j i32) (local $pa i32) (local $rows i32) (local $at i32)
    (local $stepb i32) (local $ldc4 i32) (local $biasj i32)
    (local.set $stepb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc4 (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $pa (local.get $panels))
    (local.set $i (i32.const 0))
    (block $i_done
      (loop $i_loop
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $rows (i32.sub (local.get $m) (local.get $i)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $j_loop
            (br_if $j_done (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $at (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
            (local.set $biasj (select (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $bias)))
            (if (i32.le_s (i32.add (local.get $j) (i32.const 8)) (local.get $n))
              (then
                (call $block4x8 (local.get $pa) (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))
                  (local.get $stepb) (local.get $p) (local.get $at) (local.get $ldc4) (local.get $biasj) (local.get $rows))
                (local.set $j (i32.add (local.get $j) (i32.const 8))))
              (else
                (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n))
                  (then
                    (call $block4x4 (local.get $pa) (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))
                      (local.get $stepb) (local.get $p) (local.get $at) (local.get $ldc4) (local.get $biasj) (local.get $rows))
                    (local.set $j (i32.add (local.get $j) (i32.const 4))))
                  (else
                    (call $column (local.get $pa) (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2)))
                      (local.get $stepb) (local.get $p) (local.get $at) (local.get $ldc4) (local.get $biasj) (local.get $rows))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))))))
            (br $j_loop)))
        (local.set $pa (i32.add (local.get $pa) (local.get $panelStride)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $i_loop))))

  ;; 4 columns' starting values at bias + offset: the bias's, or zeros.
  (func $start (param $bias i32) (param $offset i32) (result v128)
    (if (result v128) (local.get $bias)
      (then (v128.load (i32.add (local.get $bias) (local.get $offset))))
      (else (v128.const i32x4 0 0 0 0))))

  ;; Rows 4q..4q+3 (those below $rows stored), columns j..j+7.
  (func $block4x8
    (param $pa i32) (param $pb i32) (param $stepb i32) (param $p i32)
    (param $at i32) (param $ldc4 i32) (param $bias i32) (param $rows i32)
    (local $end i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $p) (i32.const 4))))
    (local.set $c00 (call $start (local.get $bias) (i32.const 0)))
    (local.set $c01 (call $start (local.get $bias) (i32.const 16)))
    (local.set $c10 (local.get $c00))
    (local.set $c11 (local.get $c01))
    (local.set $c20 (local.get $c00))
    (local.set $c21 (local.get $c01))
    (local.set $c30 (local.get $c00))
    (local.set $c31 (local.get $c01))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $pa) (local.get $end)))
        (local.set $b0 (v128.load offset=0 (local.get $pb)))
        (local.set $b1 (v128.load offset=16 (local.get $pb)))
        (local.set $x (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $x (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (local.get $stepb)))
        (br $k)))
    (v128.store offset=0 (local.get $at) (local.get $c00)) (v128.store offset=16 (local.get $at) (local.get $c01))
    (local.set $at (i32.add (local.get $at) (local.get $ldc4)))
    (if (i32.gt_s (local.get $rows) (i32.const 1)) (then (v128.store offset=0 (local.get $at) (local.get $c10)) (v128.store offset=16 (local.get $at) (local.get $c11))))
    (local.set $at (i32.add (local.get $at) (local.get $ldc4)))
    (if (i32.gt_s (local.get $rows) (i32.const 2)) (then (v128.store offset=0 (local.get $at) (local.get $c20)) (v128.store offset=16 (local.get $at) (local.get $c21))))
    (local.set $at (i32.add (local.get $at) (local.get $ldc4)))
    (if (i32.gt_s (local.get $rows) (i32.const 3)) (then (v128.store offset=0 (local.get $at) (local.get $c30)) (v128.store offset=16 (local.get $at) (local.get $c31)))))

  ;; Rows 4q..4q+3 (those below $rows stored), columns j..j+3.
  (func $block4x4
    (param $pa i32) (param $pb i32) (param $stepb i32) (param $p i32)
    (param $at i32) (param $ldc4 i32) (param $bias i32) (param $rows i32)
    (local $end i32) (local $x v128) (local $b0 v128)
    (local $c00 v128) (local $c10 v128) (local $c20 v128) (local $c30 v128)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $p) (i32.const 4))))
    (local.set $c00 (call $start (local.get $bias) (i32.const 0)))
    (local.set $c10 (local.get $c00))
    (local.set $c20 (local.get $c00))
    (local.set $c30 (local.get $c00))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $pa) (local.get $end)))
        (local.set $b0 (v128.load offset=0 (local.get $pb)))
        (local.set $x (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $x (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $x (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $x (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (local.get $stepb)))
        (br $k)))
    (v128.store offset=0 (local.get $at) (local.get $c00))
    (local.set $at (i32.add (local.get $at) (local.get $ldc4)))
    (if (i32.gt_s (local.get $rows) (i32.const 1)) (then (v128.store offset=0 (local.get $at) (local.get $c10))))
    (local.set $at (i32.add (local.get $at) (local.get $ldc4)))
    (if (i32.gt_s (local.get $rows) (i32.const 2)) (then (v128.store offset=0 (local.get $at) (local.get $c20))))
    (local.set $at (i32.add (local.get $at) (local.get $ldc4)))
    (if (i32.gt_s (local.get $rows) (i32.const 3)) (then (v128.store offset=0 (local.get $at) (local.get $c30)))))

  ;; One column: the 4 rows of a panel in one vector, each lane summing k ascending.
  (func $column
    (param $pa i32) (param $pb i32) (param $stepb i32) (param $p i32)
    (param $at i32) (param $ldc4 i32) (param $bias i32) (param $rows i32)
    (local $end i32) (local $sum v128)
    (local.set $end (i32.add (local.get $pa) (i32.shl (local.get $p) (i32.const 4))))
    (local.set $sum (if (result v128) (local.get $bias)
      (then (f32x4.splat (f32.load (local.get $bias))))
      (else (v128.const i32x4 0 0 0 0))))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $pa) (local.get $end)))
        (local.set $sum (f32x4.add (local.get $sum)
          (f32x4.mul (v128.load (local.get $pa)) (f32x4.splat (f32.load (local.get $pb))))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (local.get $stepb)))
        (br $k)))
    (f32.store (local.get $at) (f32x4.extract_lane 0 (local.get $sum)))
    (if (i32.gt_s (local.get $rows) (i32.const 1))
      (then (f32.store (i32.add (local.get $at) (local.get $ldc4)) (f32x4.extract_lane 1 (local.get $sum)))))
    (if (i32.gt_s (local.get $rows) (i32.const 2))
      (then (f32.store (i32.add (local.get $at) (i32.mul (local.get $ldc4) (i32.const 2))) (f32x4.extract_lane 2 (local.get $sum)))))
    (if (i32.gt_s (local.get $rows) (i32.const 3))
      (then (f32.store (i32.add (local.get $at) (i32.mul (local.get $ldc4) (i32.const 3))) (f32x4.extract_lane 3 (local.get $sum))))))

  ;; out[j] = sum over r < rows of d[r][j], r ascending from 0 (a bias's gradient).
  (func (export "columnSums") (param $d i32) (param $ld i32) (param $rows i32) (param $n i32) (param $out i32)
    (local $j i32) (local $r i32) (local $at i32) (local $sum v128) (local $one f32)
    (local.set $j (i32.const 0))
    (block $j_done
      (loop $j_loop
        (br_if $j_done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $at (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $r (i32.const 0))
        (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n))
          (then
            (local.set $sum (v128.const i32x4 0 0 0 0))
            (block $r_done
              (loop $r_loop
                (br_if $r_done (i32.ge_s (local.get $r) (local.get $rows)))
                (local.set $sum (f32x4.add (local.get $sum) (v128.load (local.get $at))))
                (local.set $at (i32.add (local.get $at) (i32.shl (local.get $ld) (i32.const 2))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $r_loop)))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 4))))
          (else
            (local.set $one (f32.const 0))
            (block $r_done
              (loop $r_loop
                (br_if $r_done (i32.ge_s (local.get $r) (local.get $rows)))
                (local.set $one (f32.add (local.get $one) (f32.load (local.get $at))))
                (local.set $at (i32.add (local.get $at) (i32.shl (local.get $ld) (i32.const 2))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $r_loop)))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $one))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))))
        (br $j_loop))))

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

  ;; sum[i] += the fixed-point form of values[i] (float32) for i < count: round(v * scale) to the
  ;; nearest integer (ties to even), clamped to +-limit, NaN taken as 0. Integers below 2^53 add
  ;; exactly, so the sums come out the same in any order. Returns how many values were clamped.
  (func (export "addFixedPoint") (param $sum i32) (param $values i32) (param $count i32) (param $scale f64) (param $limit f64) (result i32)
    (local $end i32) (local $v v128) (local $high v128) (local $clamped v128) (local $one f64) (local $kept f64) (local $count1 i32)
    (local.set $end (i32.add (local.get $values) (i32.shl (local.get $count) (i32.const 2))))
    ;; Gradients that fit the limit (all of them, in a run that does not diverge) need no clamp and no count.
    (if (call $allBelow (local.get $values) (local.get $end) (call $fitBound (local.get $scale) (local.get $limit)))
      (then
        (call $addFixedPointFast (local.get $sum) (local.get $values) (local.get $end) (local.get $scale))
        (return (i32.const 0))))
    (local.set $clamped (v128.const i64x2 0 0))
    (block $done
      (loop $v4
        (br_if $done (i32.gt_u (i32.add (local.get $values) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load (local.get $values)))
        (local.set $high (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
        (local.set $clamped (i64x2.sub (local.get $clamped)
          (call $fixed2 (local.get $sum) (f64x2.promote_low_f32x4 (local.get $v)) (local.get $scale) (local.get $limit))))
        (local.set $clamped (i64x2.sub (local.get $clamped)
          (call $fixed2 (i32.add (local.get $sum) (i32.const 16)) (f64x2.promote_low_f32x4 (local.get $high)) (local.get $scale) (local.get $limit))))
        (local.set $values (i32.add (local.get $values) (i32.const 16)))
        (local.set $sum (i32.add (local.get $sum) (i32.const 32)))
        (br $v4)))
    (local.set $count1 (i32.add (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $clamped))) (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $clamped)))))
    (block $done
      (loop $v1
        (br_if $done (i32.ge_u (local.get $values) (local.get $end)))
        (local.set $one (f64.nearest (f64.mul (f64.promote_f32 (f32.load (local.get $values))) (local.get $scale))))
        (local.set $kept (f64.min (f64.max (local.get $one) (f64.neg (local.get $limit))) (local.get $limit)))
        (if (f64.ne (local.get $one) (local.get $one)) (then (local.set $kept (f64.const 0))))
        (if (f64.ne (local.get $kept) (local.get $one)) (then (local.set $count1 (i32.add (local.get $count1) (i32.const 1)))))
        (f64.store (local.get $sum) (f64.add (f64.load (local.get $sum)) (local.get $kept)))
        (local.set $values (i32.add (local.get $values) (i32.const 4)))
        (local.set $sum (i32.add (local.get $sum) (i32.const 8)))
        (br $v1)))
    (local.get $count1))

  ;; Two values of addFixedPoint: adds them at sum; a lane is all ones where its value was clamped.
  (func $fixed2 (param $sum i32) (param $v v128) (param $scale f64) (param $limit f64) (result v128)
    (local $scaled v128) (local $kept v128)
    (local.set $scaled (f64x2.nearest (f64x2.mul (local.get $v) (f64x2.splat (local.get $scale)))))
    (local.set $kept (f64x2.pmin (f64x2.splat (local.get $limit))
      (f64x2.pmax (f64x2.splat (f64.neg (local.get $limit))) (local.get $scaled))))
    ;; NaN: pmax and pmin pass it through; the mask of scaled == scaled turns it into +0.
    (local.set $kept (v128.and (local.get $kept) (f64x2.eq (local.get $scaled) (local.get $scaled))))
    (v128.store (local.get $sum) (f64x2.add (v128.load (local.get $sum)) (local.get $kept)))
    (v128.not (f64x2.eq (local.get $kept) (local.get $scaled))))

  ;; Whether every |v| of values[at..end) is below bound (false for a NaN): one compare a vector,
  ;; not max, whose NaN and -0 rules cost several instructions a vector on x86.
  (func $allBelow (param $at i32) (param $end i32) (param $bound f32) (result i32)
    (local $out v128) (local $bounds v128)
    (local.set $bounds (f32x4.splat (local.get $bound)))
    (local.set $out (v128.const i32x4 0 0 0 0))
    (block $done
      (loop $v4
        (br_if $done (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
        (local.set $out (v128.or (local.get $out)
          (v128.not (f32x4.lt (f32x4.abs (v128.load (local.get $at))) (local.get $bounds)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $v4)))
    (block $done
      (loop $v1
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (if (i32.eqz (f32.lt (f32.abs (f32.load (local.get $at))) (local.get $bound)))
          (then (return (i32.const 0))))
        (local.set $at (i32.add (local.get $at) (i32.const 4)))
        (br $v1)))
    (i32.eqz (v128.any_true (local.get $out))))

  ;; The largest float32 b with b x scale <= limit: |v| < b guarantees |round(v x scale)| <= limit.
  (func $fitBound (param $scale f64) (param $limit f64) (result f32)
    (local $b f32)
    (local.set $b (f32.demote_f64 (f64.div (local.get $limit) (local.get $scale))))
    (if (f64.gt (f64.mul (f64.promote_f32 (local.get $b)) (local.get $scale)) (local.get $limit))
      (then (local.set $b (f32.reinterpret_i32 (i32.sub (i32.reinterpret_f32 (local.get $b)) (i32.const 1))))))
    (local.get $b))

  ;; addFixedPoint for values known to fit: the same sums, without the clamp.
  (func $addFixedPointFast (param $sum i32) (param $values i32) (param $end i32) (param $scale f64)
    (local $v v128) (local $scales v128)
    (local.set $scales (f64x2.splat (local.get $scale)))
    (block $done
      (loop $v4
        (br_if $done (i32.gt_u (i32.add (local.get $values) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load (local.get $values)))
        (v128.store (local.get $sum) (f64x2.add (v128.load (local.get $sum))
          (f64x2.nearest (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $scales)))))
        (v128.store offset=16 (local.get $sum) (f64x2.add (v128.load offset=16 (local.get $sum))
          (f64x2.nearest (f64x2.mul (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $scales)))))
        (local.set $values (i32.add (local.get $values) (i32.const 16)))
        (local.set $sum (i32.add (local.get $sum) (i32.const 32)))
        (br $v4)))
    (block $done
      (loop $v1
        (br_if $done (i32.ge_u (local.get $values) (local.get $end)))
        (f64.store (local.get $sum) (f64.add (f64.load (local.get $sum))
          (f64.nearest (f64.mul (f64.promote_f32 (f32.load (local.get $values))) (local.get $scale)))))
        (local.set $values (i32.add (local.get $values) (i32.const 4)))
        (local.set $sum (i32.add (local.get $sum) (i32.const 8)))
        (br $v1))))
)
