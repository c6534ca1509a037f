import type { Rng } from '../rng.ts';

/**
 * The `random-matrix` transform's matrix as upstream builds it: entries uniform in [0, 1), row-major [n, n],
 * float64. NOT orthogonal (spinquant.md S8): its inverse is a true matrix inverse, and R1 with it drifts.
 */
export function randomUniformMatrix(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform();
  return out;
}
