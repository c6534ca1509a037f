/**
 * Inverse of a lower-triangular matrix with a nonzero diagonal, by forward substitution one column of the
 * identity at a time (each step an inner product over a contiguous row of L). Buffers: `l` [n, n] row-major
 * float64 (only the lower triangle is read); result [n, n] row-major, lower-triangular.
 */
export function invertLowerTriangular(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    x[j] = 1 / l[j * n + j];
    inv[j * n + j] = x[j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= l[ri + k] * x[k];
      x[i] = s / l[ri + i];
      inv[ri + j] = x[i];
    }
  }
  return inv;
}
