import { linearWasm } from '../wasm/linear.ts';
import { matmulInto } from './matmul.ts';

/**
 * `h += alpha·XᵀX` for X [rows, cols] (the GPTQ / SparseGPT Hessian of a Linear's inputs). Buffers: `h`
 * [cols, cols] row-major float64; `x` [rows, cols] row-major. The product runs on the wasm SIMD Linear
 * kernel (Xᵀ times Xᵀ transposed) when it is available, else the TS matmul; both sum in float64.
 */
export function accumulateGram(h: Float64Array, x: ArrayLike<number>, rows: number, cols: number, alpha: number): void {
  const xt = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) xt[c * rows + r] = x[r * cols + c];
  const g = new Float64Array(cols * cols);
  if (!linearWasm(g, xt, xt, null, cols, rows, cols)) matmulInto(g, xt, xt, cols, rows, cols, false, true);
  for (let i = 0; i < g.length; i++) h[i] += alpha * g[i];
}
