import { productABt } from './productABt.ts';

/** Order at or below which the forward-substitution loop inverts a diagonal block directly. */
const LEAF = 96;

/**
 * Inverse of a lower-triangular matrix with a nonzero diagonal, all in float64. Recursive blocking:
 * inv([A 0; B C]) = [A⁻¹ 0; −C⁻¹·(B·A⁻¹) C⁻¹], the two products as matrix products (productABt, wasm
 * SIMD); blocks of order ≤ LEAF by forward substitution (`invertLowerTriangularRows`). Buffers: `l` [n, n]
 * row-major float64 (only the lower triangle is read); result [n, n] row-major, lower-triangular.
 */
export function invertLowerTriangular(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  invertBlock(l, inv, n, 0, n);
  return inv;
}

function invertBlock(l: Float64Array, inv: Float64Array, n: number, o: number, m: number): void {
  if (m <= LEAF) {
    forwardSubstitute(l, inv, n, o, m);
    return;
  }
  const m1 = Math.ceil(m / 2 / 16) * 16;
  const m2 = m - m1;
  const o2 = o + m1;
  invertBlock(l, inv, n, o, m1);
  invertBlock(l, inv, n, o2, m2);
  // Y [m2, m1] = B · A⁻¹ = B · (A⁻¹ᵀ)ᵀ
  const b = new Float64Array(m2 * m1);
  for (let i = 0; i < m2; i++) b.set(l.subarray((o2 + i) * n + o, (o2 + i) * n + o + m1), i * m1);
  const ainvT = new Float64Array(m1 * m1);
  for (let i = 0; i < m1; i++) for (let j = 0; j <= i; j++) ainvT[j * m1 + i] = inv[(o + i) * n + o + j];
  const y = new Float64Array(m2 * m1);
  productABt(y, b, ainvT, m2, m1, m1);
  // Z [m2, m1] = C⁻¹ · Y = C⁻¹ · (Yᵀ)ᵀ
  const cinv = new Float64Array(m2 * m2);
  for (let i = 0; i < m2; i++) cinv.set(inv.subarray((o2 + i) * n + o2, (o2 + i) * n + o2 + i + 1), i * m2);
  const yT = ainvT.length >= m1 * m2 ? ainvT : new Float64Array(m1 * m2);
  for (let i = 0; i < m2; i++) for (let j = 0; j < m1; j++) yT[j * m2 + i] = y[i * m1 + j];
  productABt(b, cinv, yT, m2, m2, m1);
  for (let i = 0; i < m2; i++) {
    const row = (o2 + i) * n + o;
    for (let j = 0; j < m1; j++) inv[row + j] = -b[i * m1 + j];
  }
}

/** Block [o, o+m) of L⁻¹ by forward substitution, one column of the identity at a time. */
function forwardSubstitute(l: Float64Array, inv: Float64Array, n: number, o: number, m: number): void {
  const x = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    x[j] = 1 / l[(o + j) * n + o + j];
    inv[(o + j) * n + o + j] = x[j];
    for (let i = j + 1; i < m; i++) {
      const ri = (o + i) * n + o;
      let s = 0;
      for (let k = j; k < i; k++) s -= l[ri + k] * x[k];
      x[i] = s / l[ri + i];
      inv[ri + j] = x[i];
    }
  }
}

/** The unblocked forward substitution over the whole matrix: the reference the blocked inverse is tested against. */
export function invertLowerTriangularRows(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  forwardSubstitute(l, inv, n, 0, n);
  return inv;
}
