import { choleskyLowerInPlace } from './cholesky.ts';
import { invertLowerTriangular } from './triangularInverse.ts';

/**
 * The upper Cholesky factor U of H⁻¹ (`H⁻¹ = Uᵀ·U`), what GPTQ reads its error-feedback rows from
 * (upstream: `cholesky(cholesky_inverse(cholesky(H)), upper=True)`). With J the index reversal: if
 * `J·H·J = L'·L'ᵀ` then `H = M·Mᵀ` with `M = J·L'·J` upper-triangular, so `H⁻¹ = (M⁻¹)ᵀ·M⁻¹` and U = M⁻¹ =
 * J·L'⁻¹·J: one factorization and one triangular inverse instead of two factorizations and an inverse.
 * Buffer: `h` [n, n] row-major float64, symmetric, not modified.
 * @returns U [n, n] row-major, or null when H is not positive definite.
 */
export function upperCholeskyOfInverse(h: Float64Array, n: number): Float64Array | null {
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) r[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
  if (!choleskyLowerInPlace(r, n)) return null;
  const linv = invertLowerTriangular(r, n);
  const u = r; // reuse: U[i][j] = L'⁻¹[n−1−i][n−1−j]
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) u[i * n + j] = linv[(n - 1 - i) * n + (n - 1 - j)];
  return u;
}
