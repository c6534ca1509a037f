import { linearWasm } from '../wasm/linear.ts';
import { matmulInto } from './matmul.ts';

/**
 * B's rows per kernel call, as bytes: the Linear kernel streams all of B once per four rows of A, so a B
 * tile this size stays in the core's L2 cache for the whole pass instead of coming from memory each time.
 */
const TILE_BYTES = 128 * 1024;

/**
 * out [m, p] = A [m, k] · Bᵀ (B stored [p, k]), all row-major float64, summed in float64: the matrix–matrix
 * core of the blocked Cholesky, the blocked triangular inverse, the Hessian and the OBS block update. Runs on
 * the wasm SIMD Linear kernel when the engine has it (B in tiles of rows, see TILE_BYTES), else on the
 * TypeScript matmul (same sums, same order).
 */
export function productABt(out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, p: number): void {
  const tile = Math.max(16, Math.floor(TILE_BYTES / 8 / k) & ~1);
  if (p <= tile) {
    if (!linearWasm(out, a, b, null, m, k, p)) matmulInto(out, a, b, m, k, p, false, true);
    return;
  }
  const part = new Float64Array(m * tile);
  for (let p0 = 0; p0 < p; p0 += tile) {
    const p1 = Math.min(p0 + tile, p);
    const w = p1 - p0;
    if (!linearWasm(part, a, b.subarray(p0 * k, p1 * k), null, m, k, w)) {
      matmulInto(out, a, b, m, k, p, false, true);
      return;
    }
    for (let i = 0; i < m; i++) out.set(part.subarray(i * w, (i + 1) * w), i * p + p0);
  }
}
