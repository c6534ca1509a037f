import { productABt } from './productABt.ts';

/** Rows of XᵀX per matrix product (bounds the product's scratch). */
const CHUNK = 256;

/**
 * `h += alpha·XᵀX` for X [rows, cols] (the GPTQ / SparseGPT Hessian of a Linear's inputs). Buffers: `h`
 * [cols, cols] row-major float64; `x` [rows, cols] row-major. XᵀX is symmetric, so only its lower triangle is
 * computed, in row chunks (rows c0..c1 against columns 0..c1, each a matrix product on the wasm SIMD Linear
 * kernel or the TS matmul), and mirrored; each entry is one float64 sum over the rows in ascending order, the
 * same value the full product gives at (i, j) and (j, i).
 */
export function accumulateGram(h: Float64Array, x: ArrayLike<number>, rows: number, cols: number, alpha: number): void {
  const xt = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    for (let c = 0; c < cols; c++) xt[c * rows + r] = x[src + c];
  }
  const g = new Float64Array(Math.min(CHUNK, cols) * cols);
  for (let c0 = 0; c0 < cols; c0 += CHUNK) {
    const c1 = Math.min(c0 + CHUNK, cols);
    productABt(g, xt.subarray(c0 * rows, c1 * rows), xt.subarray(0, c1 * rows), c1 - c0, rows, c1);
    for (let i = c0; i < c1; i++) {
      const gi = (i - c0) * c1;
      const hi = i * cols;
      for (let j = 0; j < i; j++) {
        const v = alpha * g[gi + j];
        h[hi + j] += v;
        h[j * cols + i] += v;
      }
      h[hi + i] += alpha * g[gi + i];
    }
  }
}
