/** Small dense linear algebra for the capacity model: a handful of kinds, a few dozen rows. */
export type Matrix = number[][];

/** `a` has no inverse: the caller knows which table made it and says so. */
export class SingularMatrixError extends RangeError {
  constructor() {
    super('singular matrix');
  }
}

/** Solves `a x = b` for a square, invertible `a`, and returns `a`'s inverse beside x. */
export function solveSquare(a: Matrix, b: number[]): {x: number[]; inverse: Matrix} {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...identityRow(n, i), b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) pivot = row;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    const p = m[col][col];
    if (p === 0 || !Number.isFinite(p)) throw new SingularMatrixError();
    for (let k = 0; k < m[col].length; k++) m[col][k] /= p;
    for (let row = 0; row < n; row++) {
      if (row === col || m[row][col] === 0) continue;
      const f = m[row][col];
      for (let k = 0; k < m[row].length; k++) m[row][k] -= f * m[col][k];
    }
  }
  return {x: m.map((row) => row[2 * n]), inverse: m.map((row) => row.slice(n, 2 * n))};
}

/** Least squares `min |a x - b|`: the solution and (aᵀa)⁻¹, which scales into the covariance. */
export function leastSquares(a: Matrix, b: number[]): {x: number[]; inverseNormal: Matrix} {
  const k = a[0].length;
  const normal = Array.from({length: k}, (_, i) =>
    Array.from({length: k}, (_, j) => a.reduce((sum, row) => sum + row[i] * row[j], 0)),
  );
  const right = Array.from({length: k}, (_, i) => a.reduce((sum, row, r) => sum + row[i] * b[r], 0));
  const {x, inverse} = solveSquare(normal, right);
  return {x, inverseNormal: inverse};
}

/**
 * The columns of `a` that its rows cannot pin down: those with a non-zero entry in a vector of
 * its null space (found by reducing `a` to row echelon form). Empty when `a` has full column rank.
 */
export function undeterminedColumns(a: Matrix): number[] {
  const m = a.map((row) => [...row]);
  const columns = a[0]?.length ?? 0;
  const scale = Math.max(1, ...a.flat().map(Math.abs));
  const pivots: number[] = [];
  let row = 0;
  for (let col = 0; col < columns && row < m.length; col++) {
    let pivot = row;
    for (let r = row + 1; r < m.length; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (Math.abs(m[pivot][col]) <= 1e-9 * scale) continue;
    [m[row], m[pivot]] = [m[pivot], m[row]];
    const p = m[row][col];
    for (let k = 0; k < columns; k++) m[row][k] /= p;
    for (let r = 0; r < m.length; r++) {
      if (r === row) continue;
      const f = m[r][col];
      for (let k = 0; k < columns; k++) m[r][k] -= f * m[row][k];
    }
    pivots.push(col);
    row++;
  }
  const undetermined = new Set<number>();
  // Each free column gives a null vector: 1 at itself, minus its entries at the pivot columns.
  for (let free = 0; free < columns; free++) {
    if (pivots.includes(free)) continue;
    undetermined.add(free);
    pivots.forEach((col, r) => Math.abs(m[r][free]) > 1e-9 && undetermined.add(col));
  }
  return [...undetermined].sort((x, y) => x - y);
}

function identityRow(n: number, i: number): number[] {
  return Array.from({length: n}, (_, j) => (i === j ? 1 : 0));
}
