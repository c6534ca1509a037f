import { Arena, packLeft, packRight, runPacked } from '../wasm/gemm.ts';
import { productABt } from './productABt.ts';

/** Rows of XᵀX per matrix product (bounds the product's scratch). */
const CHUNK = 256;

/**
 * `h += alpha·XᵀX` for X [rows, cols] (the GPTQ / SparseGPT Hessian of a Linear's inputs). Buffers: `h`
 * [cols, cols] row-major float64; `x` [rows, cols] row-major. XᵀX is symmetric, so only its lower triangle is
 * computed, in chunks of CHUNK columns from the diagonal down, and mirrored.
 * - float32 `x` (a float32 model's activations): XᵀX in float32, upstream's GPTQ_PRECISION, as float32 matrix
 *   products (wasm SIMD, gram32 below); each entry one float32 sum over the rows in ascending order, then
 *   scaled by alpha and added in float64.
 * - float64 (or plain) `x`: each entry one float64 sum over the rows in ascending order (the float64 Linear
 *   kernel or the TS matmul), the same value the full product gives at (i, j) and (j, i).
 */
export function accumulateGram(h: Float64Array, x: ArrayLike<number>, rows: number, cols: number, alpha: number): void {
  if (x instanceof Float32Array) {
    gram32(h, x, rows, cols, alpha);
    return;
  }
  const xt = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    for (let c = 0; c < cols; c++) xt[c * rows + r] = x[src + c];
  }
  const g = new Float64Array(Math.min(CHUNK, cols) * cols);
  for (let c0 = 0; c0 < cols; c0 += CHUNK) {
    const c1 = Math.min(c0 + CHUNK, cols);
    productABt(g, xt.subarray(c0 * rows, c1 * rows), xt.subarray(0, c1 * rows), c1 - c0, rows, c1);
    addMirrored(h, cols, g, -c0 * c1, c1, c0, c1, alpha);
  }
}

/** Side of the tiles in which `addMirrored` walks, so its transposed writes stay in cache. */
const TILE = 64;

/**
 * h[i][j] += alpha·g[i][j] and h[j][i] += the same for rows i in [r0, r1), columns j ≤ i, reading g(i, j) at
 * `g[off + i·stride + j]`; in TILE×TILE tiles (the mirrored writes walk columns of h).
 */
function addMirrored(h: Float64Array, cols: number, g: Float32Array | Float64Array, off: number, stride: number, r0: number, r1: number, alpha: number): void {
  for (let i0 = r0; i0 < r1; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, r1);
    for (let j0 = 0; j0 < i1; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, i1);
      for (let i = i0; i < i1; i++) {
        const gi = off + i * stride;
        const hi = i * cols;
        const jEnd = Math.min(j1, i);
        for (let j = j0; j < jEnd; j++) {
          const v = alpha * g[gi + j];
          h[hi + j] += v;
          h[j * cols + i] += v;
        }
        if (i >= j0 && i < j1) h[hi + i] += alpha * g[gi + i];
      }
    }
  }
}

/** The float32 XᵀX: X packed once as both operands, then column chunks of the lower triangle (gemm.ts). */
function gram32(h: Float64Array, x: Float32Array, rows: number, cols: number, alpha: number): void {
  if (rows <= 0 || cols <= 0) return;
  const arena = new Arena(rows * cols * 3 + cols * cols + 8 * cols + 64);
  const xs = arena.alloc(rows * cols);
  arena.f32.set(x.subarray(0, rows * cols), xs);
  const g = arena.alloc(cols * cols, 4 * cols + 8);
  // g = 0 − (−Xᵀ)·X
  const left = packLeft(arena, { offset: xs, stride: cols, trans: true }, cols, rows, -1);
  const right = packRight(arena, { offset: xs, stride: cols }, cols, rows);
  for (let j0 = 0; j0 < cols; j0 += CHUNK) {
    const j1 = Math.min(j0 + CHUNK, cols);
    runPacked(arena, { offset: g + j0 * cols + j0, stride: cols }, left, j0 / 4, cols - j0, right, j0 / 8, j1 - j0, 0, rows);
  }
  addMirrored(h, cols, arena.f32, g, cols, 0, cols, alpha);
}
