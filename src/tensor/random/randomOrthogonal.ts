import type { Rng } from '../rng.ts';

/**
 * A random orthogonal matrix (ours, an option beside upstream's uniform `random-matrix`): the Q factor of the
 * Householder QR of an n×n standard Gaussian matrix, with column signs fixed so that diag(R) > 0 (which makes
 * Q Haar-distributed). Row-major [n, n], float64; `Q·Qᵀ = I` to rounding.
 */
export function randomOrthogonal(n: number, rng: Rng): Float64Array {
  // a: [n, n] Gaussian, reduced in place to R; v: [n] Householder vector; q: [n, n] accumulates Q.
  const a = new Float64Array(n * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const v = new Float64Array(n);
  const signs = new Float64Array(n).fill(1);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < n; i++) norm += a[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    const x0 = a[k * n + k];
    const alpha = x0 >= 0 ? -norm : norm; // R[k][k] = alpha
    signs[k] = alpha < 0 ? -1 : 1;
    v.fill(0);
    for (let i = k; i < n; i++) v[i] = a[i * n + k];
    v[k] -= alpha;
    let vv = 0;
    for (let i = k; i < n; i++) vv += v[i] * v[i];
    if (vv === 0) continue;
    // A := (I − 2vvᵀ/vᵀv)·A on columns k..n−1
    for (let j = k; j < n; j++) {
      let d = 0;
      for (let i = k; i < n; i++) d += v[i] * a[i * n + j];
      const f = (2 * d) / vv;
      for (let i = k; i < n; i++) a[i * n + j] -= f * v[i];
    }
    // Q := Q·(I − 2vvᵀ/vᵀv)
    for (let r = 0; r < n; r++) {
      let d = 0;
      for (let i = k; i < n; i++) d += q[r * n + i] * v[i];
      const f = (2 * d) / vv;
      for (let i = k; i < n; i++) q[r * n + i] -= f * v[i];
    }
  }
  // make diag(R) positive: Q := Q·diag(signs)
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) q[r * n + c] *= signs[c];
  return q;
}
