import { linearWasm } from '../wasm/linear.ts';
import { matmulInto } from './matmul.ts';

/**
 * out [m, p] = A [m, k] · Bᵀ (B stored [p, k]), all row-major float64, summed in float64: the matrix–matrix
 * core of the blocked Cholesky, the blocked triangular inverse and the OBS block update. Runs on the wasm
 * SIMD Linear kernel when the engine has it, else on the TypeScript matmul (same sums, same order).
 */
export function productABt(out: Float64Array, a: Float64Array, b: Float64Array, m: number, k: number, p: number): void {
  if (!linearWasm(out, a, b, null, m, k, p)) matmulInto(out, a, b, m, k, p, false, true);
}
