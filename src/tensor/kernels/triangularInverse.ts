import { productABt } from './productABt.ts';

/** Order at or below which the forward-substitution loop inverts a diagonal block directly. */
const LEAF = 96;

/**
 * Inverse of a lower-triangular matrix with a nonzero diagonal, all in float64. Recursive blocking:
 * inv([A 0; B C]) = [A⁻¹ 0; −C⁻¹·(B·A⁻¹) C⁻¹], the two products as matrix products (productABt, wasm
 * SIMD) in strips that skip most of the triangular factors' zeros; blocks of order ≤ LEAF by forward substitution (`invertLowerTriangularRows`). Buffers: `l` [n, n]
 * row-major float64 (only the lower triangle is read); result [n, n] row-major, lower-triangular.
 */
export function invertLowerTriangular(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  invertBlock(l, inv, n, 0, n);
  return inv;
}

/** Column (row) strips per off-diagonal product, so the triangular factor's zero part is mostly skipped. */
const STRIPS = 4;

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
  const strip = Math.ceil(m1 / STRIPS / 16) * 16;
  // Y [m2, m1] = B · A⁻¹; A⁻¹ lower, so Y[:, j0:j1] = B[:, j0:] · A⁻¹[j0:, j0:j1]
  const y = new Float64Array(m2 * m1);
  const xs = new Float64Array(Math.max(m2, m1) * Math.max(m1, m2));
  const ws = new Float64Array(m1 * Math.max(m1, m2));
  const ps = new Float64Array(m2 * m1);
  for (let j0 = 0; j0 < m1; j0 += strip) {
    const j1 = Math.min(j0 + strip, m1);
    const k = m1 - j0;
    const w = j1 - j0;
    for (let i = 0; i < m2; i++) xs.set(l.subarray((o2 + i) * n + o + j0, (o2 + i) * n + o + m1), i * k);
    for (let jj = 0; jj < w; jj++) for (let kk = jj; kk < k; kk++) ws[jj * k + kk] = inv[(o + j0 + kk) * n + o + j0 + jj];
    for (let jj = 0; jj < w; jj++) ws.fill(0, jj * k, jj * k + jj);
    productABt(ps, xs, ws, m2, k, w);
    for (let i = 0; i < m2; i++) y.set(ps.subarray(i * w, (i + 1) * w), i * m1 + j0);
  }
  // Z [m2, m1] = C⁻¹ · Y; C⁻¹ lower, so Z[i0:i1, :] = C⁻¹[i0:i1, :i1] · Y[:i1, :]
  const yT = ws; // [m1, m2]
  for (let i = 0; i < m2; i++) for (let j = 0; j < m1; j++) yT[j * m2 + i] = y[i * m1 + j];
  const rstrip = Math.ceil(m2 / STRIPS / 16) * 16;
  for (let i0 = 0; i0 < m2; i0 += rstrip) {
    const i1 = Math.min(i0 + rstrip, m2);
    for (let i = i0; i < i1; i++) {
      const row = (i - i0) * i1;
      xs.set(inv.subarray((o2 + i) * n + o2, (o2 + i) * n + o2 + i + 1), row);
      xs.fill(0, row + i + 1, row + i1);
    }
    // W = Yᵀ[:, :i1] packed [m1, i1]
    const wt = i1 === m2 ? yT : packColumns(yT, m1, m2, i1);
    productABt(ps, xs, wt, i1 - i0, i1, m1);
    for (let i = i0; i < i1; i++) {
      const row = (o2 + i) * n + o;
      const pr = (i - i0) * m1;
      for (let j = 0; j < m1; j++) inv[row + j] = -ps[pr + j];
    }
  }
}

/** The first `cols` columns of a [rows, stride] row-major matrix, packed [rows, cols]. */
function packColumns(a: Float64Array, rows: number, stride: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(a.subarray(r * stride, r * stride + cols), r * cols);
  return out;
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
