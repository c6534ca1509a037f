import { choleskyLowerInPlace } from './cholesky.ts';
import { invertLowerTriangular } from './triangularInverse.ts';

/**
 * The upper Cholesky factor U of H⁻¹ (`H⁻¹ = Uᵀ·U`), what GPTQ reads its error-feedback rows from
 * (upstream: `cholesky(cholesky_inverse(cholesky(H)), upper=True)`). With J the index reversal: if
 * `J·H·J = L'·L'ᵀ` then `H = M·Mᵀ` with `M = J·L'·J` upper-triangular, so `H⁻¹ = (M⁻¹)ᵀ·M⁻¹` and U = M⁻¹ =
 * J·L'⁻¹·J: one factorization and one triangular inverse instead of two factorizations and an inverse.
 * Both steps in float64. Buffer: `h` [n, n] row-major float64, symmetric, not modified.
 * @returns U [n, n] row-major, or null when H is not positive definite.
 */
export function upperCholeskyOfInverse(h: Float64Array, n: number): Float64Array | null {
  const l = reversedCholesky(h, n);
  return l && reversedInverse(l, n);
}

/** Step 1: L' with `J·H·J = L'·L'ᵀ` (a new buffer), or null when H is not positive definite. */
export function reversedCholesky(h: Float64Array, n: number): Float64Array | null {
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const src = (n - 1 - i) * n + n - 1;
    const dst = i * n;
    for (let j = 0; j < n; j++) r[dst + j] = h[src - j];
  }
  return choleskyLowerInPlace(r, n) ? r : null;
}

/** Step 2: U = J·L'⁻¹·J (written over `l`, which it returns). */
export function reversedInverse(l: Float64Array, n: number): Float64Array {
  const linv = invertLowerTriangular(l, n);
  const u = l; // reuse: U[i][j] = L'⁻¹[n−1−i][n−1−j]
  for (let i = 0; i < n; i++) {
    const src = (n - 1 - i) * n + n - 1;
    const dst = i * n;
    for (let j = 0; j < n; j++) u[dst + j] = linv[src - j];
  }
  return u;
}
