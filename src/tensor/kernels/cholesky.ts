import { productABt } from './productABt.ts';

/** Column panel width of the blocked factorization; below it the plain row loop runs alone. */
const PANEL = 128;
/** Rows of the trailing update per matrix product (bounds the product's scratch). */
const CHUNK = 512;

/**
 * Cholesky factorization `A = L·Lᵀ` of a symmetric positive-definite matrix, in place, all in float64.
 * Blocked right-looking: each panel of PANEL columns is factored by the row loop (Cholesky–Banachiewicz
 * restricted to the panel, so its inner products run over contiguous row segments that stay in cache), then
 * the trailing lower triangle takes `A22 −= L21·L21ᵀ` as matrix products (productABt, wasm SIMD) in row
 * chunks, each computing only the columns up to its last row. Buffer: `a` [n, n] row-major float64; on
 * success its lower triangle holds L and its strict upper triangle is zeroed.
 * @returns false (a partly overwritten) when A is not positive definite (a pivot ≤ 0 or not finite).
 */
export function choleskyLowerInPlace(a: Float64Array, n: number): boolean {
  let panel: Float64Array | null = null;
  let prod: Float64Array | null = null;
  for (let k0 = 0; k0 < n; k0 += PANEL) {
    const k1 = Math.min(k0 + PANEL, n);
    if (!factorPanel(a, n, k0, k1)) return false;
    const m = n - k1;
    if (m === 0) break;
    const w = k1 - k0;
    panel ??= new Float64Array((n - PANEL) * PANEL);
    prod ??= new Float64Array(Math.min(CHUNK, n) * (n - PANEL));
    for (let r = 0; r < m; r++) panel.set(a.subarray((k1 + r) * n + k0, (k1 + r) * n + k1), r * w);
    for (let r0 = 0; r0 < m; r0 += CHUNK) {
      const r1 = Math.min(r0 + CHUNK, m);
      // prod [r1 − r0, r1] = panel[r0:r1] · panel[0:r1]ᵀ
      productABt(prod, panel.subarray(r0 * w, r1 * w), panel.subarray(0, r1 * w), r1 - r0, w, r1);
      for (let r = r0; r < r1; r++) {
        const row = (k1 + r) * n + k1;
        const pr = (r - r0) * r1;
        for (let c = 0; c <= r; c++) a[row + c] -= prod[pr + c];
      }
    }
  }
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
  return true;
}

/** Columns k0..k1 of L for every row i ≥ k0 (earlier columns' contributions already subtracted). */
function factorPanel(a: Float64Array, n: number, k0: number, k1: number): boolean {
  for (let i = k0; i < n; i++) {
    const ri = i * n;
    const jEnd = Math.min(i + 1, k1);
    for (let j = k0; j < jEnd; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = k0; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (j === i) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        a[ri + i] = Math.sqrt(s);
      } else a[ri + j] = s / a[rj + j];
    }
  }
  return true;
}

/** The unblocked row loop over the whole matrix: the reference the blocked factorization is tested against. */
export function choleskyLowerRowsInPlace(a: Float64Array, n: number): boolean {
  if (!factorPanel(a, n, 0, n)) return false;
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
  return true;
}
