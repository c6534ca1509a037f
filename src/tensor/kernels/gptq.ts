import { gptqSweep32 } from './gptq32.ts';
import { finishLayer, permutedHessian, prepareLayer, type GptqOptions, type GptqResult } from './gptqPrepare.ts';
import { upperCholeskyOfInverse } from './inverseCholesky.ts';
import { blockUpdate, identity } from './obsBlockUpdate.ts';

export type { GptqOptions, GptqResult } from './gptqPrepare.ts';

/** Columns per sub-block inside a GPTQ block: the scalar feedback runs within one, products between them. */
export const SUB = 16;

/** Where a GPTQ run spends its time (the bench's phases): called as each step ends. */
export type GptqStep = 'cholesky' | 'inverse';

/**
 * GPTQ (Frantar et al. 2022, arXiv 2210.17323; LLM Compressor 0.12 `gptq_quantize.quantize_weight`):
 * quantize a Linear weight column by column, each column's rounding error fed back into the columns not yet
 * quantized through the upper Cholesky factor U of (H + λI)⁻¹, λ = dampening_frac · mean(diag H); columns
 * in blocks of `blockSize` with the rest updated once per block (lazy batch updates, §3.4 of the OBC paper),
 * and the same again inside a block in sub-blocks of SUB columns, so all but the innermost feedback runs as
 * matrix products. Precision follows `dtype`: float32 as upstream (GPTQ_PRECISION; gptq32.ts, float32 SIMD
 * products), float64 here (products on the float64 Linear kernel). Preparation (actorder, scales, dead
 * inputs, dampening) in gptqPrepare.ts. Buffers: `w` [rows, cols] row-major; `hessian` [cols, cols]
 * row-major float64 (not modified). `onStep` marks the end of the inverse factor's steps (the bench's phases).
 */
export function gptqQuantize(
  w: ArrayLike<number>,
  rows: number,
  cols: number,
  hessian: Float64Array,
  o: GptqOptions,
  onStep?: (step: GptqStep) => void,
): GptqResult {
  const p = prepareLayer(w, rows, cols, hessian, o);
  if (o.dtype === 'float32') return gptqSweep32(p, o.blockSize, onStep);
  const n = cols;
  const { WT, nz, quantizer } = p;
  const inverse = upperCholeskyOfInverse(permutedHessian(p), n);
  onStep?.('cholesky');
  onStep?.('inverse');
  const U = inverse ?? identity(n);

  let loss = 0;
  const B = Math.max(1, o.blockSize);
  for (let i1 = 0; i1 < n; i1 += B) {
    const i2 = Math.min(i1 + B, n);
    const count = i2 - i1;
    const err = new Float64Array(count * rows);
    for (let i = 0; i < count; i++) {
      const c = i1 + i;
      const d = U[c * n + c];
      const col = c * rows;
      quantizer.column(c);
      for (let r = 0; r < rows; r++) {
        const x = WT[col + r];
        const q = quantizer.q(x, r);
        const e = (x - q) / d;
        loss += e * e;
        WT[col + r] = q;
        err[i * rows + r] = e;
      }
      // within the sub-block: column by column; the rest of the block takes the sub-block's errors at once
      const s1 = i - (i % SUB);
      const s2 = Math.min(s1 + SUB, count);
      for (let j = i + 1; j < s2; j++) {
        const h = U[c * n + i1 + j];
        if (h === 0) continue;
        const cj = (i1 + j) * rows;
        if (nz) for (let r = 0; r < rows; r++) WT[cj + r] -= h * err[i * rows + r] * nz[cj + r];
        else for (let r = 0; r < rows; r++) WT[cj + r] -= h * err[i * rows + r];
      }
      if (i + 1 === s2 && s2 < count) blockUpdate(WT, U, err.subarray(s1 * rows), nz, rows, n, i1 + s1, i1 + s2, i2);
    }
    if (i2 < n) blockUpdate(WT, U, err, nz, rows, n, i1, i2);
  }
  return finishLayer(p, (c, r) => WT[c * rows + r], loss, inverse !== null);
}
