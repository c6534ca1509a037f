/**
 * Cholesky factorization `A = L·Lᵀ` of a symmetric positive-definite matrix, in place (Cholesky–Banachiewicz,
 * row by row, so every inner product runs over two contiguous row prefixes). Buffer: `a` [n, n] row-major
 * float64; on success its lower triangle holds L and its strict upper triangle is zeroed.
 * @returns false (a partly overwritten) when A is not positive definite (a pivot ≤ 0 or not finite).
 */
export function choleskyLowerInPlace(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (j === i) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        a[ri + i] = Math.sqrt(s);
      } else a[ri + j] = s / a[rj + j];
    }
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
  return true;
}
